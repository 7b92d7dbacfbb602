package dev.vxlab.orchestrator.doctor.rules;

/**
 * A rule that compares a node's kernel entries for its peers (routes, neighbours, FDB) with the leases: it needs
 * the leases, and looks only at nodes that joined the overlay (a node whose agent refused at start has none).
 */
abstract class EntriesRule extends NodeRule {
    EntriesRule(String id, String title) {
        super(id, title);
    }

    @Override
    final boolean needsLeases() {
        return true;
    }

    @Override
    final boolean joinedOnly() {
        return true;
    }
}
