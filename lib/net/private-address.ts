import { BlockList, isIP } from 'node:net';

// Addresses a webhook must never reach unless private targets are allowed: loopback, private
// ranges, carrier-grade NAT, link-local (which holds the cloud metadata address
// 169.254.169.254), multicast, reserved and unspecified ranges.
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['fd00:ec2::', 32],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** True for an IP literal in a blocked range; IPv4-mapped IPv6 addresses are checked as IPv4. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return blocked.check(mapped[1], 'ipv4');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family === 6) return blocked.check(bare, 'ipv6');
  return false;
}

const LOCAL_NAMES = /(^|\.)(localhost|localdomain|internal|local)$/i;

/** True for host names that point inside the machine or network by convention. */
export function isLocalName(host: string): boolean {
  return LOCAL_NAMES.test(host.replace(/\.$/, '')) || host.toLowerCase() === 'metadata.google.internal';
}
