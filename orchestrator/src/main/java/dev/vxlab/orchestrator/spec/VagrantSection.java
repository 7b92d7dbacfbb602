package dev.vxlab.orchestrator.spec;

import dev.vxlab.orchestrator.spec.LabSpec.VagrantProvider;
import java.util.List;
import java.util.regex.Pattern;

/** {@code vagrant:}: what the top-level Vagrantfile builds for the lab; any provider may carry it. */
final class VagrantSection {
    static final List<String> KEYS = List.of("provider", "box", "memory", "cpus", "image");

    private static final Pattern BOX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}(/[A-Za-z0-9][A-Za-z0-9._-]{0,63})?");

    private final Val<VagrantProvider> provider;
    private final Val<String> box;
    private final Val<Integer> memory;
    private final Val<Integer> cpus;
    private final Val<String> image;

    private VagrantSection(Section top, Values values) {
        Section vagrant = top.section("vagrant", KEYS);
        provider = vagrant.field("provider", null, values.choice(VagrantProvider.class));
        String box = "a Vagrant box such as " + SpecDefaults.VAGRANT_BOX;
        this.box = vagrant.field("box", SpecDefaults.VAGRANT_BOX, values.word(box, box, BOX));
        memory = vagrant.field("memory", SpecDefaults.VAGRANT_MEMORY, values.intIn(
                "the machine's memory in MB, a whole number from 256 to 65536", 256, 65536, "%s MB is out of range: use 256 to 65536"));
        cpus = vagrant.field("cpus", SpecDefaults.VAGRANT_CPUS, values.intIn(
                "a number of CPUs from 1 to 64", 1, 64, "%s CPUs is out of range: use 1 to 64"));
        image = vagrant.field("image", SpecDefaults.NODE_IMAGE, values.image(SpecDefaults.NODE_IMAGE));
    }

    static VagrantSection read(Section top, Values values) {
        return new VagrantSection(top, values);
    }

    /** Only when nothing was recorded. */
    LabSpec.Vagrant vagrant() {
        return new LabSpec.Vagrant(provider.value() == null ? null : provider.value().word(), box.value(), memory.value(), cpus.value(),
                image.value());
    }
}
