package dev.gatehouse.admin.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The address a client is throttled under. */
class ClientAddressTest {

    @ParameterizedTest
    @CsvSource({
        "192.0.2.7,                      192.0.2.7",
        "127.0.0.1,                      127.0.0.1",
        "::ffff:192.0.2.7,               192.0.2.7",
        "2001:db8:1:2:3:4:5:6,           2001:db8:1:2:0:0:0:0/64",
        "2001:db8:1:2:ffff:ffff:ffff:ff, 2001:db8:1:2:0:0:0:0/64",
        "2001:db8:1:3::1,                2001:db8:1:3:0:0:0:0/64",
        "::1,                            0:0:0:0:0:0:0:0/64",
    })
    void ipv4AsItIsIpv6ByItsSlash64(String address, String expected) {
        assertThat(ClientAddress.of(new InetSocketAddress(address, 40000))).isEqualTo(expected);
    }

    @Test
    void noAddressIsUnknown() {
        assertThat(ClientAddress.of(null)).isEqualTo(ClientAddress.UNKNOWN);
        assertThat(ClientAddress.of(InetSocketAddress.createUnresolved("example.test", 1))).isEqualTo(ClientAddress.UNKNOWN);
    }
}
