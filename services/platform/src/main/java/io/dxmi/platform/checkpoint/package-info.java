/**
 * Local-disk checkpoints: directories of files written atomically (temporary directory, then rename), newest K kept.
 */
package io.dxmi.platform.checkpoint;
