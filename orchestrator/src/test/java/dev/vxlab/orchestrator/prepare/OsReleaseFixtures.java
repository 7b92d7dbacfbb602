package dev.vxlab.orchestrator.prepare;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The recorded /etc/os-release files under src/test/resources/os-release, one a distribution release. */
final class OsReleaseFixtures {
    static final String[] ALL = {"debian-12", "ubuntu-22.04", "linuxmint-21.3", "rocky-9", "almalinux-8", "centos-7",
        "fedora-39", "amzn-2023", "alpine-3.19"};

    private OsReleaseFixtures() {
    }

    static String text(String name) {
        try (InputStream in = OsReleaseFixtures.class.getResourceAsStream("/os-release/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture os-release/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OsRelease load(String name) {
        return OsRelease.parse(text(name));
    }
}
