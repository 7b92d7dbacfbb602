package dev.vxlab.agent.lease;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Chooses a free subnet: uniformly at random among every subnet in [SubnetMin, SubnetMax] that overlaps no
 * taken network. flannel samples among the first 100 free subnets; drawing from all of them makes two agents
 * that race for a subnet much less likely to pick the same one. One pass over the range with reservoir
 * sampling: O(range + taken) time, O(taken) memory. Pure; the random source is injected.
 */
public final class SubnetAllocator {
    private SubnetAllocator() {
    }

    /** The result of a scan: how many subnets the range has, how many of them are free, and one chosen free subnet. */
    public record Pick(long total, long free, Optional<Ip4Net> chosen) {
    }

    public static Pick pick(NetworkConfig config, Collection<Ip4Net> taken, RandomGenerator random) {
        List<long[]> intervals = new ArrayList<>();
        for (Ip4Net t : taken) {
            long start = t.network().unsigned();
            intervals.add(new long[] {start, start + t.size() - 1});
        }
        intervals.sort((a, b) -> Long.compare(a[0], b[0]));

        long step = 1L << (32 - config.subnetLen());
        long first = config.subnetMin().unsigned();
        long last = config.subnetMax().unsigned();
        long total = 0;
        long free = 0;
        long chosen = -1;
        int i = 0;
        for (long s = first; s <= last; s += step) {
            total++;
            long e = s + step - 1;
            // sorted by start: an interval that ends below s lies below every later candidate too
            while (i < intervals.size() && intervals.get(i)[1] < s) {
                i++;
            }
            boolean overlaps = false;
            for (int j = i; j < intervals.size() && intervals.get(j)[0] <= e; j++) {
                if (intervals.get(j)[1] >= s) {
                    overlaps = true;
                    break;
                }
            }
            if (overlaps) {
                continue;
            }
            free++;
            if (random.nextLong(free) == 0) {
                chosen = s;
            }
        }
        Optional<Ip4Net> result = chosen < 0 ? Optional.empty()
                : Optional.of(new Ip4Net(new Ip4((int) chosen), config.subnetLen()));
        return new Pick(total, free, result);
    }

    /** Whether {@code subnet} overlaps none of {@code taken}. */
    public static boolean isFree(Ip4Net subnet, Collection<Ip4Net> taken) {
        return taken.stream().noneMatch(subnet::overlaps);
    }
}
