package dev.vxlab.orchestrator.provider.vagrant;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code vagrant status --machine-readable}: lines {@code timestamp,target,type,data...}; the
 * {@code state} lines give each machine's state ({@code running}, {@code not_created}, {@code stopped},
 * {@code poweroff}, ...). Commas inside data are written {@code %!(VAGRANT_COMMA)} by Vagrant.
 */
public final class VagrantStatus {
    private VagrantStatus() {
    }

    /** Machine name → state, in the order Vagrant printed them. */
    public static Map<String, String> states(String output) {
        Map<String, String> states = new LinkedHashMap<>();
        for (String line : output.split("\r?\n")) {
            String[] f = line.split(",", 5);
            if (f.length >= 4 && f[2].equals("state") && !f[1].isEmpty()) {
                states.put(f[1], f[3].replace("%!(VAGRANT_COMMA)", ","));
            }
        }
        return states;
    }
}
