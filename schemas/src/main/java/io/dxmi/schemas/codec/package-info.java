/**
 * Hand-written codec support for the generated Avro records of {@code io.dxmi.schemas}.
 *
 * <ul>
 *   <li>{@link io.dxmi.schemas.codec.Codecs} encodes records with Avro single-object encoding
 *       (2-byte marker, 8-byte schema fingerprint, body) and decodes bytes written by the current
 *       schema or by any older schema version kept under {@code io/dxmi/schemas/history/} into the
 *       current generated class.</li>
 *   <li>{@link io.dxmi.schemas.codec.Tensors} packs and unpacks tensor payloads ({@code bytes}
 *       fields of little-endian float32).</li>
 *   <li>{@link io.dxmi.schemas.codec.SchemaException} is the one unchecked exception for any
 *       malformed or unreadable message; a consumer catches it and dead-letters the message.</li>
 * </ul>
 */
package io.dxmi.schemas.codec;
