package io.dxmi.platform.metrics;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.util.Collections;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics endpoint listens on loopback unless told otherwise, and says where it listens. */
class MetricsBindingTest {

    @Test
    void theDefaultIsLoopbackAndTheUrlIsTheBoundAddress() throws Exception {
        try (Metrics m = Metrics.create("binding")) {
            int port = m.startHttp(0);
            assertEquals("http://127.0.0.1:" + port + "/metrics", m.httpUrl());
            assertTrue(reachable("127.0.0.1", port));
            Optional<InetAddress> external = nonLoopbackAddress();
            // On a machine with a network interface, that interface does not serve the metrics.
            external.ifPresent(a -> assertFalse(reachable(a.getHostAddress(), port), a + " must not serve it"));
            assertTrue(URI.create(m.httpUrl()).getPort() == port);
        }
    }

    @Test
    void anotherAddressIsHonouredAndOnlyThatOne() throws Exception {
        try (Metrics m = Metrics.create("binding2")) {
            int port = m.startHttp("127.0.0.2", 0);
            assertEquals("http://127.0.0.2:" + port + "/metrics", m.httpUrl());
            assertTrue(reachable("127.0.0.2", port));
            assertFalse(reachable("127.0.0.1", port));
        }
    }

    private static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (n.isUp() && !n.isLoopback()) {
                for (InetAddress a : Collections.list(n.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
