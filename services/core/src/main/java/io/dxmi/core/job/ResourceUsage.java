package io.dxmi.core.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process resource readings for reports (Linux /proc; NaN elsewhere). */
public final class ResourceUsage {

    private ResourceUsage() {}

    /** Peak resident set size of this process in MiB (VmHWM), NaN when unknown. */
    public static double peakResidentMiB() {
        return readKiB("VmHWM:") / 1024.0;
    }

    /** Current resident set size of this process in MiB (VmRSS), NaN when unknown. */
    public static double residentMiB() {
        return readKiB("VmRSS:") / 1024.0;
    }

    private static double readKiB(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Double.parseDouble(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
