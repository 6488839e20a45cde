import { EventEmitter } from 'node:events';

import type pg from 'pg';

import { isEmbedded } from '../db/pool';
import type { Db } from '../db/tx';

export const BREAKER_CHANNEL = 'switchyard_breaker';
export const DELIVERY_CHANNEL = 'switchyard_delivery';

type Channel = typeof BREAKER_CHANNEL | typeof DELIVERY_CHANNEL;

type BusHolder = { __switchyardBus?: EventEmitter };

/**
 * The in-process side of notifications. On a PostgreSQL server, NOTIFY reaches every instance
 * through its LISTEN connection, which re-emits here; the embedded database has one session,
 * so there the sender emits here directly after its transaction.
 */
export function localBus(): EventEmitter {
  const holder = globalThis as BusHolder;
  holder.__switchyardBus ??= new EventEmitter().setMaxListeners(100);
  return holder.__switchyardBus;
}

/**
 * Sends a notification as part of the caller's transaction: PostgreSQL delivers it at commit,
 * so listeners never hear of a change that rolled back.
 */
export async function notify(db: Db, channel: Channel, payload: string): Promise<void> {
  if (isEmbedded()) {
    // NOTE: in embedded mode the event fires before commit; listeners only re-read state,
    // so an early wake-up costs a query and nothing else.
    queueMicrotask(() => localBus().emit(channel, payload));
    return;
  }
  await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

/** Opens a dedicated LISTEN connection that re-emits on the local bus; reconnects on loss. */
export async function listen(connect: () => Promise<pg.Client>, onError: (error: unknown) => void): Promise<() => Promise<void>> {
  if (isEmbedded()) return async () => {};
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;

  const open = async (): Promise<void> => {
    try {
      client = await connect();
      client.on('notification', (message) => localBus().emit(message.channel, message.payload ?? ''));
      client.on('error', (error) => {
        onError(error);
        scheduleReconnect();
      });
      await client.query(`LISTEN ${BREAKER_CHANNEL}`);
      await client.query(`LISTEN ${DELIVERY_CHANNEL}`);
      // A reconnect may have missed notifications; listeners resync on this event.
      localBus().emit('reconnected');
    } catch (error) {
      onError(error);
      scheduleReconnect();
    }
  };

  const scheduleReconnect = (): void => {
    if (stopped || retry) return;
    const old = client;
    client = null;
    old?.end().catch(() => {});
    retry = setTimeout(() => {
      retry = null;
      void open();
    }, 1000);
    retry.unref();
  };

  await open();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}
