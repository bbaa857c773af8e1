/**
 * The project's own image classifier: a LeNet-style convolutional network trained on the data
 * set being generated, whose penultimate layer gives the features of the Fréchet distance and
 * of precision/recall. Stored as a model directory with its test accuracy, the data's hash and
 * the weights' SHA-256, and cached so that it is trained once per data set.
 */
package io.dxmi.core.classifier;
