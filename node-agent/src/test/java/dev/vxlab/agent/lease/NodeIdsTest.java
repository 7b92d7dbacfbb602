package dev.vxlab.agent.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.agent.AgentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdsTest {
    @TempDir
    Path tmp;

    @Test
    void theFirstStartMakesTheIdAndEveryLaterStartReadsIt() throws Exception {
        Path file = tmp.resolve("var/lib/vxlab/node-id");
        String id = NodeIds.loadOrCreate(file, new Random(1));
        assertTrue(NodeIds.isValid(id), id);
        assertEquals(id + "\n", Files.readString(file));
        assertEquals(id, NodeIds.loadOrCreate(file, new Random(2)), "kept, not made again");
    }

    @Test
    void twoMachinesGetTwoIds() {
        assertNotEquals(NodeIds.loadOrCreate(tmp.resolve("a"), new Random(1)), NodeIds.loadOrCreate(tmp.resolve("b"), new Random(2)));
    }

    @Test
    void aFileThatHoldsNoIdIsRefusedWithTheFix() throws Exception {
        Path file = tmp.resolve("node-id");
        Files.writeString(file, "not an id\n");
        AgentException e = assertThrows(AgentException.class, () -> NodeIds.loadOrCreate(file, new Random(1)));
        assertTrue(e.getMessage().contains("holds \"not an id\", not a node ID"), e.getMessage());
        assertTrue(e.hint().startsWith("delete " + file), e.hint());
        assertEquals("not an id\n", Files.readString(file), "left as it was");
    }

    @Test
    void anUnwritablePlaceIsRefusedWithTheFlag() throws Exception {
        Path blocker = tmp.resolve("blocker");
        Files.writeString(blocker, "a file where a directory should be");
        AgentException e = assertThrows(AgentException.class, () -> NodeIds.loadOrCreate(blocker.resolve("node-id"), new Random(1)));
        assertTrue(e.hint().contains("--node-id-file=PATH"), e.hint());
    }

    @Test
    void validIds() {
        assertTrue(NodeIds.isValid("0123456789abcdef0123456789abcdef"));
        assertFalse(NodeIds.isValid("0123456789ABCDEF0123456789ABCDEF"));
        assertFalse(NodeIds.isValid("0123456789abcdef"));
    }
}
