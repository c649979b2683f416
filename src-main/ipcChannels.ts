/** The two IPC channels between main and the preload; everything else goes over the engine port. */

/** main → preload: `webContents.postMessage(ENGINE_PORT, null, [port])`, a fresh port to the engine. */
export const ENGINE_PORT = 'engine-port';

/** main → preload: `webContents.send(ENGINE_STATE, state)`, the engine process state. */
export const ENGINE_STATE = 'engine-state';
