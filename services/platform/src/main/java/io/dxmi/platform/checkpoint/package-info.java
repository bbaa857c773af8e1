/**
 * Local-disk checkpoints: directories of files written atomically (temporary directory, then
 * rename), newest K kept, and a lock that keeps a second instance of a service off them.
 * Blocking, on the caller's thread.
 */
package io.dxmi.platform.checkpoint;
