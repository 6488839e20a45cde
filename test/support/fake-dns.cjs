// Preloaded into app servers under test (NODE_OPTIONS=--require): replaces Node's DNS look-ups
// with the table in SWITCHYARD_TEST_HOSTS (JSON, host name to IPv4 or IPv6 address), so no test
// makes a real DNS query. Any other name fails with ENOTFOUND.
'use strict';

const dns = require('node:dns');
const dnsPromises = require('node:dns/promises');
const net = require('node:net');
const { syncBuiltinESMExports } = require('node:module');

const table = JSON.parse(process.env.SWITCHYARD_TEST_HOSTS || '{}');

function resolveName(hostname) {
  if (net.isIP(hostname)) return [{ address: hostname, family: net.isIP(hostname) }];
  const address = table[hostname.toLowerCase()];
  if (!address) {
    const error = new Error(`getaddrinfo ENOTFOUND ${hostname} (test resolver)`);
    error.code = 'ENOTFOUND';
    error.hostname = hostname;
    throw error;
  }
  return [{ address, family: net.isIP(address) }];
}

function lookup(hostname, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  const all = typeof options === 'object' && options !== null && options.all === true;
  let addresses;
  try {
    addresses = resolveName(hostname);
  } catch (error) {
    process.nextTick(done, error);
    return;
  }
  if (all) process.nextTick(done, null, addresses);
  else process.nextTick(done, null, addresses[0].address, addresses[0].family);
}

async function lookupPromise(hostname, options) {
  const addresses = resolveName(hostname);
  return options && options.all ? addresses : addresses[0];
}

dns.lookup = lookup;
dnsPromises.lookup = lookupPromise;
dns.promises.lookup = lookupPromise;
syncBuiltinESMExports();
