package dev.vxlab.orchestrator.doctor;

import java.util.List;

/** The exact lines of one command's output that show a finding, and where the command ran ("kube1", "etcd", "spec"). */
public record Evidence(String where, String command, List<String> lines) {
    public static Evidence of(String where, String command, String... lines) {
        return new Evidence(where, command, List.of(lines));
    }
}
