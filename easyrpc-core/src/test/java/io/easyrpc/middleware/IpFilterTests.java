package io.easyrpc.middleware;

import java.net.InetSocketAddress;
import java.util.List;

import io.easyrpc.RpcStatus;
import io.netty.channel.local.LocalAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link IpFilter}: CIDR parsing and matching for IPv4 and IPv6, precedence of
 * the block list, peers without an IP address.
 */
class IpFilterTests {

	@Test
	void allowListAcceptsAddressesInItsRangesOnly() {
		IpFilter filter = IpFilter.allow("10.0.0.0/8", "192.168.1.7");
		assertThat(accepts(filter, "10.200.3.4")).isTrue();
		assertThat(accepts(filter, "192.168.1.7")).isTrue();
		assertThat(accepts(filter, "192.168.1.8")).isFalse();
		assertThat(accepts(filter, "11.0.0.1")).isFalse();
		ConnectionDecision refused = filter.onConnect(peer("11.0.0.1"));
		assertThat(refused.status()).isEqualTo(RpcStatus.PERMISSION_DENIED);
		assertThat(refused.reason()).isEqualTo("ip-filter");
		assertThat(refused.message()).contains("11.0.0.1");
	}

	@Test
	void blockListRefusesAddressesInItsRangesAndAcceptsTheRest() {
		IpFilter filter = IpFilter.block("172.16.0.0/12");
		assertThat(accepts(filter, "172.31.255.255")).isFalse();
		assertThat(accepts(filter, "172.32.0.1")).isTrue();
		assertThat(accepts(filter, "::1")).isTrue();
	}

	@Test
	void blockListWinsOverAllowList() {
		IpFilter filter = new IpFilter(List.of("10.0.0.0/8"), List.of("10.1.0.0/16"));
		assertThat(accepts(filter, "10.2.0.1")).isTrue();
		assertThat(accepts(filter, "10.1.0.1")).isFalse();
	}

	@Test
	void ipv6RangesMatchIpv6Peers() {
		IpFilter loopbackOnly = IpFilter.allow("::1/128");
		assertThat(accepts(loopbackOnly, "::1")).isTrue();
		assertThat(accepts(loopbackOnly, "::2")).isFalse();
		assertThat(accepts(loopbackOnly, "127.0.0.1")).isFalse();
		IpFilter documentation = IpFilter.allow("2001:db8::/32");
		assertThat(accepts(documentation, "2001:db8:ffff::1")).isTrue();
		assertThat(accepts(documentation, "2001:db9::1")).isFalse();
		IpFilter single = IpFilter.block("fe80::1");
		assertThat(accepts(single, "fe80::1")).isFalse();
		assertThat(accepts(single, "fe80::2")).isTrue();
	}

	@Test
	void emptyPrefixCoversEveryAddressOfItsFamily() {
		IpFilter filter = IpFilter.block("0.0.0.0/0");
		assertThat(accepts(filter, "8.8.8.8")).isFalse();
		assertThat(accepts(filter, "2001:db8::1")).isTrue();
	}

	@Test
	void peersWithoutAnIpAddressAreAlwaysAccepted() {
		IpFilter filter = IpFilter.allow("10.0.0.0/8");
		ConnectionInfo inProcess = new ConnectionInfo(new LocalAddress("client"), new LocalAddress("server"), null);
		assertThat(filter.onConnect(inProcess).isAccepted()).isTrue();
	}

	@Test
	void entriesAreTrimmedAndKeptAsGiven() {
		IpFilter filter = new IpFilter(List.of(" 10.0.0.0/8 "), List.of());
		assertThat(accepts(filter, "10.0.0.1")).isTrue();
		assertThat(filter.allowList()).containsExactly(" 10.0.0.0/8 ");
		assertThat(filter.blockList()).isEmpty();
	}

	@Test
	void invalidEntriesAreRefusedWithTheEntryInTheMessage() {
		assertThatIllegalArgumentException().isThrownBy(() -> IpFilter.allow("10.0.0.0/33"))
			.withMessageContaining("'10.0.0.0/33'")
			.withMessageContaining("between 0 and 32");
		assertThatIllegalArgumentException().isThrownBy(() -> IpFilter.block("::1/129"))
			.withMessageContaining("'::1/129'")
			.withMessageContaining("between 0 and 128");
		assertThatIllegalArgumentException().isThrownBy(() -> IpFilter.allow("10.0.0.0/x"))
			.withMessageContaining("'10.0.0.0/x'");
		assertThatIllegalArgumentException().isThrownBy(() -> IpFilter.allow("10.0.0.256"))
			.withMessageContaining("'10.0.0.256'");
		assertThatIllegalArgumentException().isThrownBy(() -> IpFilter.block("localhost"))
			.withMessageContaining("'localhost'")
			.withMessageContaining("not an IPv4 or IPv6 address");
		assertThatIllegalArgumentException().isThrownBy(() -> IpFilter.block(""));
	}

	private static boolean accepts(IpFilter filter, String address) {
		return filter.onConnect(peer(address)).isAccepted();
	}

	private static ConnectionInfo peer(String address) {
		return new ConnectionInfo(new InetSocketAddress(address, 40000), new InetSocketAddress("10.9.9.9", 7070), null);
	}

}
