/**
 * Orderly shutdown on SIGTERM: resources closed in reverse order of registration within a time limit.
 */
package io.dxmi.platform.lifecycle;
