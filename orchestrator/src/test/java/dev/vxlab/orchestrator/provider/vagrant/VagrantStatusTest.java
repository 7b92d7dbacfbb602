package dev.vxlab.orchestrator.provider.vagrant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VagrantStatusTest {
    @Test
    void readsEachMachinesStateFromMachineReadableOutput() {
        String out = String.join("\n",
                "1764090000,kube1,metadata,provider,docker",
                "1764090000,kube2,metadata,provider,docker",
                "1764090000,kube3,metadata,provider,docker",
                "1764090001,kube1,provider-name,docker",
                "1764090001,kube1,state,running",
                "1764090001,kube1,state-human-short,running",
                "1764090001,kube1,state-human-long,The container is created and running.%!(VAGRANT_COMMA) You can stop it",
                "1764090001,kube2,provider-name,docker",
                "1764090001,kube2,state,not_created",
                "1764090001,kube3,state,stopped",
                "1764090001,,ui,info,Current machine states:",
                "");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("kube1", "running");
        expected.put("kube2", "not_created");
        expected.put("kube3", "stopped");
        assertEquals(expected, VagrantStatus.states(out));
    }

    @Test
    void anEmptyOrForeignOutputHasNoMachines() {
        assertEquals(Map.of(), VagrantStatus.states(""));
        assertEquals(Map.of(), VagrantStatus.states("A Vagrant environment or target machine is required to run this\ncommand."));
    }
}
