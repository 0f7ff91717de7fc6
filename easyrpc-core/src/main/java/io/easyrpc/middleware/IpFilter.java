package io.easyrpc.middleware;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.easyrpc.RpcStatus;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

/**
 * Accepts or refuses connections by the peer's IP address, with an allow list and a block
 * list of addresses and CIDR ranges, IPv4 or IPv6: {@code 10.0.0.0/8},
 * {@code 192.168.1.7}, {@code 2001:db8::/32}, {@code ::1}. An address without a prefix
 * stands for itself alone.
 * <p>
 * A peer in the block list is refused, even if it is also in the allow list. With a
 * non-empty allow list, a peer in none of its ranges is refused too; with an empty one,
 * every peer that is not blocked is accepted. Refusals carry
 * {@link RpcStatus#PERMISSION_DENIED} (reason {@value #REASON}). IPv4 peers match IPv4
 * ranges and IPv6 peers IPv6 ranges.
 * <p>
 * Only peers with an IP address are filtered: in-process connections (and any other peer
 * without one) are always accepted.
 * <p>
 * Matching is done by Netty's {@link IpSubnetFilterRule}. Entries must be literal
 * addresses: host names are refused rather than looked up. Immutable and thread-safe.
 */
public final class IpFilter implements ConnectionMiddleware {

	/**
	 * The reason of a refusal, the tag of the {@code easyrpc.server.rejected} counter.
	 */
	public static final String REASON = "ip-filter";

	private final List<String> allow;

	private final List<String> block;

	private final List<IpSubnetFilterRule> allowRules;

	private final List<IpSubnetFilterRule> blockRules;

	/**
	 * Create a filter.
	 * @param allow the addresses and CIDR ranges allowed to connect; empty to allow every
	 * peer that is not blocked
	 * @param block the addresses and CIDR ranges refused
	 * @throws IllegalArgumentException if an entry is not an IP address or CIDR range;
	 * the message names the entry
	 */
	public IpFilter(Collection<String> allow, Collection<String> block) {
		this.allow = List.copyOf(allow);
		this.block = List.copyOf(block);
		this.allowRules = rules(this.allow, IpFilterRuleType.ACCEPT);
		this.blockRules = rules(this.block, IpFilterRuleType.REJECT);
	}

	/**
	 * Create a filter that accepts only the given addresses and ranges.
	 * @param allow the addresses and CIDR ranges allowed to connect
	 * @return the filter
	 * @throws IllegalArgumentException if an entry is not an IP address or CIDR range
	 */
	public static IpFilter allow(String... allow) {
		return new IpFilter(List.of(allow), List.of());
	}

	/**
	 * Create a filter that refuses the given addresses and ranges and accepts the rest.
	 * @param block the addresses and CIDR ranges refused
	 * @return the filter
	 * @throws IllegalArgumentException if an entry is not an IP address or CIDR range
	 */
	public static IpFilter block(String... block) {
		return new IpFilter(List.of(), List.of(block));
	}

	/**
	 * Return the allow list as given.
	 * @return the allowed addresses and ranges
	 */
	public List<String> allowList() {
		return this.allow;
	}

	/**
	 * Return the block list as given.
	 * @return the refused addresses and ranges
	 */
	public List<String> blockList() {
		return this.block;
	}

	private static List<IpSubnetFilterRule> rules(List<String> entries, IpFilterRuleType type) {
		List<IpSubnetFilterRule> rules = new ArrayList<>(entries.size());
		for (String entry : entries) {
			rules.add(rule(entry, type));
		}
		return List.copyOf(rules);
	}

	private static IpSubnetFilterRule rule(String entry, IpFilterRuleType type) {
		if (entry == null) {
			throw new IllegalArgumentException("IP filter entries must not be null");
		}
		String text = entry.trim();
		int slash = text.indexOf('/');
		String addressText = (slash >= 0) ? text.substring(0, slash) : text;
		// A literal only: InetAddress.getByName would look a host name up.
		InetAddress address = NetUtil.createInetAddressFromIpAddressString(addressText);
		if (address == null) {
			throw invalid(entry, "not an IPv4 or IPv6 address");
		}
		int maxPrefix = (address instanceof Inet4Address) ? 32 : 128;
		int prefix = maxPrefix;
		if (slash >= 0) {
			try {
				prefix = Integer.parseInt(text.substring(slash + 1));
			}
			catch (NumberFormatException ex) {
				throw invalid(entry, "the prefix length is not a number");
			}
			if (prefix < 0 || prefix > maxPrefix) {
				throw invalid(entry, "the prefix length must be between 0 and " + maxPrefix);
			}
		}
		return new IpSubnetFilterRule(address, prefix, type);
	}

	private static IllegalArgumentException invalid(String entry, String problem) {
		return new IllegalArgumentException("Invalid IP filter entry '" + entry + "': " + problem
				+ "; expected an address or CIDR range such as 10.0.0.0/8, 192.168.1.7 or 2001:db8::/32");
	}

	@Override
	public ConnectionDecision onConnect(ConnectionInfo connection) {
		if (!(connection.remoteAddress() instanceof InetSocketAddress peer)) {
			return ConnectionDecision.accept();
		}
		if (matches(this.blockRules, peer) || (!this.allowRules.isEmpty() && !matches(this.allowRules, peer))) {
			return ConnectionDecision.reject(RpcStatus.PERMISSION_DENIED,
					"Connections from " + peer.getHostString() + " are not allowed", REASON);
		}
		return ConnectionDecision.accept();
	}

	private static boolean matches(List<IpSubnetFilterRule> rules, InetSocketAddress peer) {
		for (IpSubnetFilterRule rule : rules) {
			if (rule.matches(peer)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		return "IpFilter[allow=" + this.allow + ", block=" + this.block + "]";
	}

}
