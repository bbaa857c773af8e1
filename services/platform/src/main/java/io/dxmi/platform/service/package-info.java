/**
 * Deployment of Vert.x verticles with typed configuration, and helpers that keep blocking work off the event loop.
 */
package io.dxmi.platform.service;
