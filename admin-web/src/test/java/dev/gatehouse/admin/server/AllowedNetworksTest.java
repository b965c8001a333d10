package dev.gatehouse.admin.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AllowedNetworksTest {

    /** entry as configured | the network it means. */
    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        127.0.0.1               | 127.0.0.1/32
        ' 10.0.0.0/8 '          | 10.0.0.0/8
        192.168.1.10/24         | 192.168.1.0/24
        172.16.0.0/12           | 172.16.0.0/12
        0.0.0.0/0               | 0.0.0.0/0
        10.1.2.3/0              | 0.0.0.0/0
        ::1                     | ::1/128
        2001:DB8::1/32          | 2001:db8::/32
        fe80::/10               | fe80::/10
        ::/0                    | ::/0
        ::ffff:10.0.0.0/104     | 10.0.0.0/8
        ::FFFF:192.0.2.7        | 192.0.2.7/32
        ::ffff:c000:207/128     | 192.0.2.7/32
        ::ffff:0:0/96           | 0.0.0.0/0
        """)
    void accepts(String entry, String network) {
        assertThat(AllowedNetworks.parse(List.of(entry)).entries()).containsExactly(network);
    }

    /** entry | why it is refused (after the property name and the quoted entry). */
    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        10.0.0.0/33             | has prefix /33; use 0-32
        2001:db8::/129          | has prefix /129; use 0-128
        10.0.0.0/-1             | has a prefix length that is not a number 0-32
        10.0.0.0/+8             | has a prefix length that is not a number 0-32
        10.0.0.0/8x             | has a prefix length that is not a number 0-32
        10.0.0.0/               | has a prefix length that is not a number 0-32
        10.0.0.0/0008           | has a prefix length that is not a number 0-32
        ::1/ 128                | has a prefix length that is not a number 0-128
        10.0.0.0/8/8            | has a prefix length that is not a number 0-32
        /8                      | has no address before the /
        10.0.0.256              | is not an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)
        10.0.0                  | is not an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)
        lan.example.com         | is not an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)
        10.0.0.*                | is not an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)
        10.0.0.0-10.0.0.9       | is not an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)
        [::1]                   | is not an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)
        1::2::3                 | is not an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)
        fe80::1%eth0            | is not an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32): leave out the zone index (%...)
        010.0.0.1               | has an IPv4 part with a leading zero, which some tools read as octal; write it without (e.g. 10.0.0.1)
        ::10.0.0.1              | is an IPv4-compatible IPv6 address (deprecated); write the IPv4 address itself
        ::ffff:0:0/80           | is an IPv4-mapped IPv6 block shorter than /96, which reaches beyond the mapped IPv4 addresses; write IPv4 blocks as IPv4 (e.g. 10.0.0.0/8)
        """)
    void refusesNamingTheEntryAndWhy(String entry, String problem) {
        assertThatThrownBy(() -> AllowedNetworks.parse(List.of("127.0.0.1", entry)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gatehouse.admin.allowed-networks: '" + entry.strip() + "' " + problem);
    }

    /** networks | client | allowed? */
    @ParameterizedTest(name = "{0} lets {1} in: {2}")
    @CsvSource(delimiter = '|', textBlock = """
        10.0.0.0/8                  | 10.255.1.2      | true
        10.0.0.0/8                  | 11.0.0.1        | false
        10.0.0.0/8                  | 127.0.0.1       | false
        192.168.1.0/25              | 192.168.1.127   | true
        192.168.1.0/25              | 192.168.1.128   | false
        192.168.1.7                 | 192.168.1.7     | true
        192.168.1.7                 | 192.168.1.8     | false
        127.0.0.0/8,::1             | 127.0.0.1       | true
        127.0.0.0/8,::1             | ::1             | true
        127.0.0.0/8,::1             | ::2             | false
        2001:db8::/32               | 2001:db8:ffff::1| true
        2001:db8::/32               | 2001:db9::1     | false
        0.0.0.0/0                   | 203.0.113.9     | true
        0.0.0.0/0                   | 2001:db8::1     | false
        ::/0                        | 2001:db8::1     | true
        ::/0                        | 203.0.113.9     | false
        ::ffff:10.0.0.0/104         | 10.9.9.9        | true
        10.0.0.0/8                  | ::ffff:10.9.9.9 | true
        10.0.0.0/8                  | ::ffff:11.9.9.9 | false
        """)
    void lets(String networks, String client, boolean allowed) throws UnknownHostException {
        AllowedNetworks parsed = AllowedNetworks.parse(Arrays.asList(networks.split(",")));
        assertThat(parsed.allows(address(client))).isEqualTo(allowed);
    }

    @Test
    void emptyMeansEveryoneAndBlankEntriesAreSkipped() {
        assertThat(AllowedNetworks.parse(List.of()).allowsEveryone()).isTrue();
        assertThat(AllowedNetworks.parse(null)).isSameAs(AllowedNetworks.EVERYONE);
        assertThat(AllowedNetworks.parse(List.of(" ", "")).allowsEveryone()).isTrue();
        assertThat(AllowedNetworks.EVERYONE.allows(null)).isTrue();
        assertThat(AllowedNetworks.parse(List.of("10.0.0.0/8", " ")).entries()).containsExactly("10.0.0.0/8");
    }

    @Test
    void anUnknownClientAddressIsRefusedOnceThereIsAList() {
        assertThat(AllowedNetworks.parse(List.of("0.0.0.0/0", "::/0")).allows(null)).isFalse();
    }

    @Test
    void theSettingsRecordRefusesABadEntryWhenBound() {
        assertThatThrownBy(() -> new AdminServerSettings(List.of("10.0.0.0/8", "10.0.0.0/33"), null))
                .hasMessage("gatehouse.admin.allowed-networks: '10.0.0.0/33' has prefix /33; use 0-32");
        assertThat(new AdminServerSettings(null, null).networks().allowsEveryone()).isTrue();
        assertThat(new AdminServerSettings(null, null).tls().configured()).isFalse();
    }

    /** A literal, also an IPv4-mapped IPv6 address kept as IPv6 (Java's parser would make it IPv4). */
    private static InetAddress address(String literal) throws UnknownHostException {
        InetAddress parsed = InetAddress.getByName(literal);
        if (literal.startsWith("::ffff:")) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(parsed.getAddress(), 0, mapped, 12, 4);
            return Inet6Address.getByAddress(null, mapped, -1);
        }
        return parsed;
    }
}
