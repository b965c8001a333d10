package dev.gatehouse.admin.server;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The networks the dashboard accepts connections from ({@code gatehouse.admin.allowed-networks}): IPv4
 * and IPv6 addresses and CIDR blocks. Empty means everyone.
 *
 * <p>Parsed strictly, each problem naming the entry: only literal addresses (no host names, no zone
 * index {@code %eth0}, no brackets, no IPv4 octet with a leading zero, which some tools read as octal),
 * a prefix of digits within 0-32 or 0-128. An address with bits set past its prefix
 * ({@code 192.168.1.10/24}) means its network ({@code 192.168.1.0/24}). An IPv4-mapped IPv6 entry
 * ({@code ::ffff:10.0.0.0/104}) means the IPv4 range it maps ({@code 10.0.0.0/8}), since IPv4 clients of
 * a dual-stack socket are seen as IPv4; a mapped prefix shorter than /96 would reach beyond the mapped
 * block and is refused. {@code 0.0.0.0/0} is every IPv4 client, {@code ::/0} every IPv6 one.
 *
 * <p>Immutable; a check compares the peer's bytes with each block, without allocating beyond the
 * address bytes.
 */
public final class AllowedNetworks {

    /** No restriction: every client may connect. */
    public static final AllowedNetworks EVERYONE = new AllowedNetworks(List.of(), List.of());

    private static final byte[] IPV4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private final List<Block> blocks;
    private final List<String> entries;

    private AllowedNetworks(List<Block> blocks, List<String> entries) {
        this.blocks = blocks;
        this.entries = entries;
    }

    /**
     * @param entries as configured; blank entries (a trailing comma) are skipped
     * @throws IllegalArgumentException naming the first bad entry and what is wrong with it
     */
    public static AllowedNetworks parse(List<String> entries) {
        if (entries == null || entries.isEmpty()) {
            return EVERYONE;
        }
        List<Block> blocks = new ArrayList<>();
        List<String> normalized = new ArrayList<>();
        for (String entry : entries) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            Block block = block(entry.strip());
            blocks.add(block);
            normalized.add(block.toString());
        }
        return blocks.isEmpty() ? EVERYONE : new AllowedNetworks(List.copyOf(blocks), List.copyOf(normalized));
    }

    /** Whether there is no restriction. */
    public boolean allowsEveryone() {
        return blocks.isEmpty();
    }

    /** Whether a client at {@code address} may connect; an unknown (null) address only when everyone may. */
    public boolean allows(InetAddress address) {
        if (blocks.isEmpty()) {
            return true;
        }
        if (address == null) {
            return false;
        }
        byte[] bytes = unmapped(address.getAddress());
        for (Block block : blocks) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** The blocks as networks ({@code 192.168.1.0/24}), in the configured order. */
    public List<String> entries() {
        return entries;
    }

    @Override
    public String toString() {
        return blocks.isEmpty() ? "everyone" : String.join(", ", entries);
    }

    private static Block block(String entry) {
        int slash = entry.indexOf('/');
        String addressText = slash < 0 ? entry : entry.substring(0, slash);
        byte[] address = address(entry, addressText);
        int bits = address.length * 8;
        int prefix = slash < 0 ? bits : prefix(entry, entry.substring(slash + 1), bits);
        if (isIpv4Mapped(address)) {
            if (prefix < 96) {
                throw problem(entry, "is an IPv4-mapped IPv6 block shorter than /96, which reaches beyond the mapped "
                        + "IPv4 addresses; write IPv4 blocks as IPv4 (e.g. 10.0.0.0/8)");
            }
            address = Arrays.copyOfRange(address, IPV4_MAPPED_PREFIX.length, 16);
            prefix -= 96;
        }
        return new Block(masked(address, prefix), prefix);
    }

    private static byte[] address(String entry, String text) {
        if (text.isEmpty()) {
            throw problem(entry, "has no address before the /");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed = c == '.' || c == ':' || Character.digit(c, 16) >= 0;
            if (!allowed) {
                throw problem(entry, "is not an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)"
                        + (c == '%' ? ": leave out the zone index (%...)" : ""));
            }
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        if (bytes == null) {
            throw problem(entry, "is not an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)");
        }
        if (bytes.length == 4 && hasLeadingZeroOctet(text)) {
            throw problem(entry, "has an IPv4 part with a leading zero, which some tools read as octal; write it "
                    + "without (e.g. 10.0.0.1)");
        }
        if (isIpv4Mapped(bytes) && !text.toLowerCase(Locale.ROOT).contains("ffff:")) {
            // Netty reads the deprecated IPv4-compatible form ::a.b.c.d as the mapped ::ffff:a.b.c.d
            throw problem(entry, "is an IPv4-compatible IPv6 address (deprecated); write the IPv4 address itself");
        }
        return bytes;
    }

    private static int prefix(String entry, String text, int bits) {
        if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw problem(entry, "has a prefix length that is not a number 0-" + bits);
        }
        int prefix = Integer.parseInt(text);
        if (prefix > bits) {
            throw problem(entry, "has prefix /" + prefix + "; use 0-" + bits);
        }
        return prefix;
    }

    private static boolean hasLeadingZeroOctet(String text) {
        for (String octet : text.split("\\.", -1)) {
            if (octet.length() > 1 && octet.charAt(0) == '0') {
                return true;
            }
        }
        return false;
    }

    private static boolean isIpv4Mapped(byte[] address) {
        return address.length == 16 && Arrays.equals(address, 0, IPV4_MAPPED_PREFIX.length, IPV4_MAPPED_PREFIX, 0,
                IPV4_MAPPED_PREFIX.length);
    }

    /** A peer seen as an IPv4-mapped IPv6 address is its IPv4 address (Java usually converts already). */
    private static byte[] unmapped(byte[] address) {
        return isIpv4Mapped(address) ? Arrays.copyOfRange(address, IPV4_MAPPED_PREFIX.length, 16) : address;
    }

    private static byte[] masked(byte[] address, int prefix) {
        byte[] network = address.clone();
        for (int bit = prefix; bit < network.length * 8; bit++) {
            network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return network;
    }

    private static IllegalArgumentException problem(String entry, String what) {
        return new IllegalArgumentException("gatehouse.admin.allowed-networks: '" + entry + "' " + what);
    }

    /** One network: its address with the host bits cleared, and the prefix length. */
    private record Block(byte[] network, int prefix) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (network[whole] & 0xff);
        }

        @Override
        public String toString() {
            return NetUtil.bytesToIpAddress(network) + "/" + prefix;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Block that && prefix == that.prefix && Arrays.equals(network, that.network);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(network) + prefix;
        }
    }
}
