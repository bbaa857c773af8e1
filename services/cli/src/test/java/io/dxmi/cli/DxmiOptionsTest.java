package io.dxmi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dxmi.core.dxmi.DxmiConfig;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line's defaults (as the program installs them) are DxmiConfig's documented defaults, so the two cannot drift apart. */
class DxmiOptionsTest {

    @Test
    void flagDefaultsAreTheConfigurationDefaults() {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).setDefaultValueProvider(new ConfigDefaults()).parseArgs("--data", "8gaussians", "--steps", "5", "--tau", "0.1", "--out", "x");
        DxmiConfig expected = DxmiConfig.builder().optSamplerSteps(5).optTau(0.1f).optSeed(0).build();
        assertEquals(expected, train.dxmi.config(0));
    }

    @Test
    void theEnergyClipReachesTheConfiguration() {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).setDefaultValueProvider(new ConfigDefaults())
                .parseArgs("--data", "8gaussians", "--steps", "5", "--tau", "0.1", "--energy-clip", "0.5", "--out", "x");
        assertEquals(0f, DxmiConfig.defaults().energyClipNorm(), "off unless asked for");
        assertEquals(0.5f, train.dxmi.config(0).energyClipNorm());
    }

    @Test
    void theEnergyWidthReachesTheConfigurationAndOnlyThere() {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).setDefaultValueProvider(new ConfigDefaults())
                .parseArgs("--data", "8gaussians", "--steps", "5", "--tau", "0.1", "--energy-hidden", "192", "--out", "x");
        DxmiConfig c = train.dxmi.config(0);
        assertEquals(192, c.energyNetworkOrValues().hidden());
        assertEquals(DxmiConfig.defaults().network(), c.network(), "the value keeps --hidden's width");
        assertEquals(c.network().layers(), c.energyNetworkOrValues().layers());
        TrainCommand plain = new TrainCommand();
        new CommandLine(plain).setDefaultValueProvider(new ConfigDefaults())
                .parseArgs("--data", "8gaussians", "--steps", "5", "--tau", "0.1", "--hidden", "32", "--out", "x");
        assertEquals(64, plain.dxmi.config(0).energyNetworkOrValues().hidden(), "twice --hidden unless asked for");
        assertEquals(32, plain.dxmi.config(0).network().hidden());
    }

    @Test
    void theSigmaNetworkWidthReachesTheConfiguration() {
        assertEquals(DxmiConfig.SIGMA_NETWORK_HIDDEN, sigmaWidth(), "on for vectors unless asked otherwise");
        assertEquals(0, sigmaWidth("--sigma-hidden", "0"), "0: one sigma per step alone");
        assertEquals(32, sigmaWidth("--sigma-hidden", "32"));
    }

    private static int sigmaWidth(String... extra) {
        TrainCommand train = new TrainCommand();
        String[] args = {"--data", "8gaussians", "--steps", "5", "--tau", "0.1", "--out", "x"};
        String[] all = Stream.concat(Arrays.stream(args), Arrays.stream(extra))
                .toArray(String[]::new);
        new CommandLine(train).setDefaultValueProvider(new ConfigDefaults()).parseArgs(all);
        return train.dxmi.config(0).sigmaNetworkWidth();
    }
}
