package dev.vxlab.agent.iptables;

/**
 * What {@link IptablesManager} needs from iptables: read a table, apply a batch. Both in the text formats of
 * {@code iptables-save} / {@code iptables-restore}, so a fake can keep tables as text-shaped data and the real
 * one ({@link IptablesCommand}) is two process calls. The agent also asks whether MASQUERADE takes
 * {@code --random-fully}, to write flannel's masquerade rules.
 */
public interface Iptables {

    /** One table as {@code iptables-save -t TABLE} prints it (chain lines {@code :NAME}, rule lines {@code -A}). */
    String save(String table);

    /**
     * Applies iptables-restore input with {@code --noflush}: one or more {@code *table ... COMMIT} blocks, each
     * applied all or nothing. A {@code :CHAIN - [0:0]} line creates a user chain, or flushes it if it exists.
     *
     * @throws IptablesException when iptables refuses the input
     */
    void restore(String input);

    /** Whether MASQUERADE takes {@code --random-fully}; false unless the implementation knows better. */
    default boolean supportsRandomFully() {
        return false;
    }
}
