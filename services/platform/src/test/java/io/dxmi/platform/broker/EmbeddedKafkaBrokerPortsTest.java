package io.dxmi.platform.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The client and controller ports a broker starts with. Two free ports picked one after the other could be the
 * same one, which Kafka refuses ("two listeners on the same port"): a user's `dxmi run` once failed so.
 */
class EmbeddedKafkaBrokerPortsTest {

    @Test
    void freePortsAreTwoDifferentPortsEveryTime() throws IOException {
        for (int i = 0; i < 200; i++) {
            int[] p = EmbeddedKafkaBroker.ports("127.0.0.1", 0, 0);
            assertTrue(p[0] > 0 && p[1] > 0);
            assertNotEquals(p[0], p[1]);
        }
    }

    @Test
    void aFreeControllerPortIsNeverTheRequestedClientPort() throws IOException {
        for (int i = 0; i < 50; i++) {
            int requested;
            try (ServerSocket s = new ServerSocket()) { // a port that was just free, as a user's --port may be
                s.bind(new InetSocketAddress("127.0.0.1", 0));
                requested = s.getLocalPort();
            }
            int[] p = EmbeddedKafkaBroker.ports("127.0.0.1", requested, 0);
            assertNotEquals(requested, p[1]);
            assertTrue(p[0] == requested);
        }
    }

    @Test
    void requestedPortsAreKeptAndTheSamePortTwiceIsRefused() throws IOException {
        assertArrayEquals(new int[] {19092, 19093}, EmbeddedKafkaBroker.ports("127.0.0.1", 19092, 19093));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedKafkaBroker.ports("127.0.0.1", 19092, 19092));
        assertTrue(e.getMessage().contains("must differ"), e.getMessage());
    }
}
