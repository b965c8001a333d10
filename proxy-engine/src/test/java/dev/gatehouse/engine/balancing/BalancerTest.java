package dev.gatehouse.engine.balancing;

import dev.gatehouse.engine.config.LoadBalancing;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BalancerTest {

    /** A set of servers 0..n-1 with these weights. */
    private static ServerSet set(int... weights) {
        int[] servers = new int[weights.length];
        long[] hashes = new long[weights.length];
        for (int i = 0; i < weights.length; i++) {
            servers[i] = i;
            hashes[i] = Balancer.mix(0x1234L + i * 7919L);
        }
        return new ServerSet(servers, weights.clone(), hashes, false, Long.MAX_VALUE);
    }

    private static int[] distribution(LoadBalancing policy, ServerSet set, int requests) {
        LoopServerState loop = new LoopServerState(set.size());
        int[] counts = new int[set.size()];
        for (int i = 0; i < requests; i++) {
            counts[Balancer.select(policy, set, loop, 0, i * 31 + 17, -1)]++;
        }
        return counts;
    }

    static Stream<Arguments> weightedPolicies() {
        return Stream.of(
                Arguments.of(LoadBalancing.WEIGHTED_ROUND_ROBIN, new int[] {5, 1, 1}, 0.0),
                Arguments.of(LoadBalancing.WEIGHTED_ROUND_ROBIN, new int[] {3, 2}, 0.0),
                Arguments.of(LoadBalancing.WEIGHTED_ROUND_ROBIN, new int[] {1, 1, 1, 1}, 0.0),
                Arguments.of(LoadBalancing.STICKY_COOKIE, new int[] {2, 1}, 0.0),
                Arguments.of(LoadBalancing.POWER_OF_TWO_CHOICES, new int[] {1, 1, 1}, 0.05),
                Arguments.of(LoadBalancing.CLIENT_IP_HASH, new int[] {1, 1}, 0.05),
                Arguments.of(LoadBalancing.CLIENT_IP_HASH, new int[] {3, 1}, 0.05));
    }

    @ParameterizedTest(name = "{0} with weights {1}")
    @MethodSource("weightedPolicies")
    void sharesFollowTheWeights(LoadBalancing policy, int[] weights, double tolerance) {
        int requests = 60_000;
        int[] counts = distribution(policy, set(weights), requests);
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        for (int i = 0; i < weights.length; i++) {
            assertThat(counts[i] / (double) requests).as("share of server %d", i)
                    .isCloseTo(weights[i] / (double) total, within(tolerance + 0.001));
        }
    }

    @Test
    void roundRobinIgnoresWeightsAndTakesTurns() {
        ServerSet set = set(5, 1, 1);
        LoopServerState loop = new LoopServerState(3);
        List<Integer> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(Balancer.select(LoadBalancing.ROUND_ROBIN, set, loop, 0, 0, -1));
        }
        assertThat(picks).containsExactly(0, 1, 2, 0, 1, 2);
    }

    @Test
    void smoothWeightedRoundRobinInterleaves() {
        ServerSet set = set(5, 1, 1);
        LoopServerState loop = new LoopServerState(3);
        List<Integer> picks = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            picks.add(Balancer.select(LoadBalancing.WEIGHTED_ROUND_ROBIN, set, loop, 0, 0, -1));
        }
        // nginx's example: a a b a c a a, never five a in a row
        assertThat(picks).containsExactly(0, 0, 1, 0, 2, 0, 0);
    }

    @Test
    void leastConnectionsPrefersTheIdleServer() {
        ServerSet set = set(1, 1, 1);
        LoopServerState loop = new LoopServerState(3);
        loop.begin(0);
        loop.begin(0);
        loop.begin(2);
        assertThat(Balancer.select(LoadBalancing.LEAST_CONNECTIONS, set, loop, 0, 0, -1)).isEqualTo(1);
        loop.begin(1);
        loop.begin(1);
        // 2 has one in flight, 0 and 1 two each
        assertThat(Balancer.select(LoadBalancing.LEAST_CONNECTIONS, set, loop, 0, 0, -1)).isEqualTo(2);
    }

    @Test
    void leastConnectionsWeighsTheLoad() {
        ServerSet set = set(4, 1);
        LoopServerState loop = new LoopServerState(2);
        for (int i = 0; i < 3; i++) {
            loop.begin(0); // 3 in flight on weight 4 is lighter than 1 on weight 1
        }
        loop.begin(1);
        assertThat(Balancer.select(LoadBalancing.LEAST_CONNECTIONS, set, loop, 0, 0, -1)).isEqualTo(0);
    }

    @Test
    void leastConnectionsSpreadsTiesInTurn() {
        int[] counts = distribution(LoadBalancing.LEAST_CONNECTIONS, set(1, 1, 1), 300);
        assertThat(counts).containsExactly(100, 100, 100);
    }

    @Test
    void powerOfTwoChoicesAvoidsTheBusiestServer() {
        ServerSet set = set(1, 1, 1);
        LoopServerState loop = new LoopServerState(3);
        for (int i = 0; i < 10; i++) {
            loop.begin(0);
        }
        int[] counts = new int[3];
        for (int i = 0; i < 3000; i++) {
            counts[Balancer.select(LoadBalancing.POWER_OF_TWO_CHOICES, set, loop, 0, 0, -1)]++;
        }
        // Server 0 only wins when both draws are it, which distinct draws rule out.
        assertThat(counts[0]).isZero();
        assertThat(counts[1] + counts[2]).isEqualTo(3000);
    }

    @Test
    void clientIpHashKeepsAClientOnItsServerAndMovesOnlyTheClientsOfAServerThatLeaves() {
        ServerSet all = set(1, 1, 1);
        ServerSet withoutTwo = new ServerSet(new int[] {0, 1}, new int[] {1, 1},
                new long[] {all.addressHashes[0], all.addressHashes[1]}, false, Long.MAX_VALUE);
        LoopServerState loop = new LoopServerState(3);
        int moved = 0;
        for (int client = 0; client < 3000; client++) {
            int before = Balancer.select(LoadBalancing.CLIENT_IP_HASH, all, loop, 0, client * 0x45d9f3b, -1);
            assertThat(Balancer.select(LoadBalancing.CLIENT_IP_HASH, all, loop, 0, client * 0x45d9f3b, -1))
                    .as("same client, same server").isEqualTo(before);
            int after = Balancer.select(LoadBalancing.CLIENT_IP_HASH, withoutTwo, loop, 0, client * 0x45d9f3b, -1);
            if (before != 2) {
                assertThat(after).as("client %d stays while its server stays", client).isEqualTo(before);
            } else {
                moved++;
            }
        }
        assertThat(moved).isBetween(800, 1200);
    }

    @Test
    void stickyCookieKeepsTheNamedServerWhileItIsEligible() {
        ServerSet set = set(1, 1, 1);
        LoopServerState loop = new LoopServerState(3);
        for (int i = 0; i < 10; i++) {
            assertThat(Balancer.select(LoadBalancing.STICKY_COOKIE, set, loop, 0, 0, 2)).isEqualTo(2);
        }
        ServerSet withoutTwo = new ServerSet(new int[] {0, 1}, new int[] {1, 1}, new long[2], false, Long.MAX_VALUE);
        assertThat(Balancer.select(LoadBalancing.STICKY_COOKIE, withoutTwo, loop, 0, 0, 2)).isIn(0, 1);
    }

    @ParameterizedTest
    @EnumSource(LoadBalancing.class)
    void triedServersAreSkippedUntilNoneIsLeft(LoadBalancing policy) {
        ServerSet set = set(1, 2, 3);
        LoopServerState loop = new LoopServerState(3);
        long tried = 0;
        Set<Integer> picked = new HashSet<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            int server = Balancer.select(policy, set, loop, tried, 42, 1);
            assertThat(server).isBetween(0, 2);
            assertThat(picked.add(server)).as("server %d picked twice", server).isTrue();
            tried |= 1L << server;
        }
        assertThat(Balancer.select(policy, set, loop, tried, 42, 1)).isEqualTo(Balancer.NONE);
    }

    @ParameterizedTest
    @EnumSource(LoadBalancing.class)
    void anEmptySetHasNoServer(LoadBalancing policy) {
        assertThat(Balancer.select(policy, ServerSet.EMPTY, new LoopServerState(0), 0, 1, -1)).isEqualTo(Balancer.NONE);
    }

    @Test
    void policyNamesRoundTripAndUnknownNamesListTheKnownOnes() {
        for (LoadBalancing policy : LoadBalancing.values()) {
            assertThat(LoadBalancing.fromName(policy.configName())).isEqualTo(policy);
            assertThat(LoadBalancing.fromName(policy.name())).isEqualTo(policy);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadBalancing.fromName("random"))
                .hasMessageContaining("unknown load balancing 'random'")
                .hasMessageContaining("least-connections");
    }
}
