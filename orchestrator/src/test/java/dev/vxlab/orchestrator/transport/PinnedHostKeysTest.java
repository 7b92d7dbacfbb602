package dev.vxlab.orchestrator.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host-key pinning: unknown hosts refused unless the lab made them, first-use pins, a changed key is refused. */
class PinnedHostKeysTest {
    @TempDir
    Path dir;

    static PublicKey key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair().getPublic();
    }

    @Test
    void anUnknownHostIsRefusedWithoutFirstUsePinning() throws Exception {
        Path file = dir.resolve("known_hosts");
        PinnedHostKeys keys = new PinnedHostKeys(file, null, false);
        assertFalse(keys.verify("10.0.0.1", 22, key()));
        assertEquals("", Files.readString(file), "nothing may be written for a host that was refused");
        assertNull(keys.pinned());
    }

    @Test
    void firstUsePinsUnderTheAliasAndLaterConnectionsMustOfferTheSameKey() throws Exception {
        Path file = dir.resolve("ssh/known_hosts");
        PublicKey k = key();
        PinnedHostKeys first = new PinnedHostKeys(file, "kube1", true);
        assertTrue(first.verify("127.0.0.1", 2222, k));
        assertNotNull(first.pinned());
        assertTrue(first.pinned().startsWith("ssh-rsa "), first.pinned());
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("kube1 ssh-rsa "), lines.get(0));

        // the same machine on another forwarded port: known by its name, nothing new pinned
        PinnedHostKeys again = new PinnedHostKeys(file, "kube1", true);
        assertTrue(again.verify("127.0.0.1", 2200, k));
        assertNull(again.pinned());
        assertEquals(1, Files.readAllLines(file).size());

        // a re-created machine with a new key: refused even though first-use pinning is on
        PinnedHostKeys changed = new PinnedHostKeys(file, "kube1", true);
        assertFalse(changed.verify("127.0.0.1", 2222, key()));
        assertNotNull(changed.changed());
        assertEquals(1, Files.readAllLines(file).size(), "a changed key must not be written");
    }

    @Test
    void aPinnedHostThatOffersAnotherKeyTypeIsRefusedNotPinnedAgain() throws Exception {
        Path file = dir.resolve("known_hosts");
        assertTrue(new PinnedHostKeys(file, "kube1", true).verify("127.0.0.1", 2222, key()));
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        PinnedHostKeys other = new PinnedHostKeys(file, "kube1", true);
        assertFalse(other.verify("127.0.0.1", 2222, ec.generateKeyPair().getPublic()));
        assertNotNull(other.changed());
        assertEquals(1, Files.readAllLines(file).size(), "nothing pinned for a host that is already known");
        // another machine still pins on first use
        assertTrue(new PinnedHostKeys(file, "kube2", true).verify("127.0.0.1", 2222, ec.generateKeyPair().getPublic()));
    }

    @Test
    void withoutAnAliasTheKeyIsFiledUnderHostAndPortAsOpenSshDoes() throws Exception {
        Path file = dir.resolve("known_hosts");
        PublicKey k = key();
        assertTrue(new PinnedHostKeys(file, null, true).verify("192.168.56.11", 2200, k));
        assertTrue(Files.readString(file).startsWith("[192.168.56.11]:2200 ssh-rsa "), Files.readString(file));
        assertTrue(new PinnedHostKeys(file, null, false).verify("192.168.56.11", 2200, k));
        assertFalse(new PinnedHostKeys(file, null, false).verify("192.168.56.11", 22, k), "another port is another host");
    }

    @Test
    void parallelFirstContactsOfSeveralMachinesAllEndUpInTheFile() throws Exception {
        // no file yet: the first contacts of all machines create it at once
        Path file = dir.resolve("ssh/known_hosts");
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger verified = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < 8; i++) {
            String alias = "node" + i;
            PublicKey k = key();
            threads.add(new Thread(() -> {
                await(go);
                if (newKeys(file, alias).verify("127.0.0.1", 2222, k)) {
                    verified.incrementAndGet();
                }
            }));
        }
        threads.forEach(Thread::start);
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(8, verified.get(), "every first contact is pinned, none fails on the file another one created");
        assertEquals(8, Files.readAllLines(file).size());
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static PinnedHostKeys newKeys(Path file, String alias) {
        try {
            return new PinnedHostKeys(file, alias, true);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
