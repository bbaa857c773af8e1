package io.dxmi.schemas.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Guards the history directory: the rules of schemas/README.md, checked at build time. */
class SchemaHistoryTest {

    @Test
    void theLiveSchemaIsTheNewestHistoryVersion() {
        for (Class<? extends SpecificRecord> type : Codecs.recordTypes()) {
            List<Schema> history = Codecs.history(type);
            assertFalse(history.isEmpty(), type.getSimpleName() + " has no history/" + type.getSimpleName()
                    + ".v1.avsc");
            assertEquals(history.size(), Codecs.currentVersion(type), type.getSimpleName()
                    + ": copy the changed live schema into the history as v" + (history.size() + 1));
        }
    }

    @Test
    void everyReleasedVersionResolvesIntoTheCurrentClass() {
        for (Class<? extends SpecificRecord> type : Codecs.recordTypes()) {
            Schema current = SpecificData.get().getSchema(type);
            List<Schema> history = Codecs.history(type);
            for (int v = 1; v <= history.size(); v++) {
                Schema old = history.get(v - 1);
                assertEquals(current.getFullName(), old.getFullName());
                var result = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
                assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(),
                        type.getSimpleName() + " v" + v + " is no longer readable: " + result.getDescription());
                assertNotNull(Codecs.store().findByFingerprint(SchemaNormalization.parsingFingerprint64(old)));
            }
        }
    }
}
