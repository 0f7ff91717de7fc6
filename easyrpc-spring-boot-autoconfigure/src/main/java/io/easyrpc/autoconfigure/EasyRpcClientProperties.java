package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.easyrpc.RpcStatus;
import io.easyrpc.client.LoadBalancing;
import io.easyrpc.client.RetryPolicy;
import io.easyrpc.codec.CodecFormat;
import io.easyrpc.transport.RpcAddress;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of easyrpc clients. The values are checked once bound (see
 * {@link #validate()}), so that a wrong setting fails the start-up with a message naming
 * the property.
 */
@ConfigurationProperties("easyrpc.client")
public class EasyRpcClientProperties implements InitializingBean {

	/**
	 * Whether to register proxies for @RpcClient interfaces.
	 */
	private boolean enabled = true;

	/**
	 * Default deadline of calls. A call still running at its deadline fails with
	 * DEADLINE_EXCEEDED and the server is told to cancel it.
	 */
	private Duration timeout = Duration.ofSeconds(5);

	/**
	 * Deadline of server streams (Stream, Iterator, Flux and Flow.Publisher results),
	 * which may last as long as a subscription does: zero (the default) for none. A
	 * method timeout (method-timeouts or @RpcMethod(timeout)) still applies.
	 */
	private Duration streamTimeout = Duration.ZERO;

	/**
	 * Longest silence between the items of a server stream while the client has asked for
	 * more; the stream then fails with DEADLINE_EXCEEDED and the server is told to cancel
	 * it. Zero disables the limit.
	 */
	private Duration streamIdleTimeout = Duration.ofSeconds(30);

	/**
	 * Packages whose exception types may be re-created on the client when the server
	 * throws them. Exceptions declared by the called method and JDK runtime exceptions of
	 * java.lang and java.util are always re-created.
	 */
	private List<String> exceptionPackages = new ArrayList<>();

	/**
	 * Largest frame accepted from a server.
	 */
	private DataSize maxFrameSize = DataSize.ofMegabytes(8);

	/**
	 * Timeout of one connection attempt.
	 */
	private Duration connectTimeout = Duration.ofSeconds(3);

	/**
	 * Longest time a connection stays without outgoing traffic: a ping is sent when
	 * nothing else went out for half of it. Keep it below the server's idle timeout. Zero
	 * disables pings.
	 */
	private Duration keepAlive = Duration.ofSeconds(30);

	/**
	 * Items of a server stream granted ahead of its consumer: at most this many wait on
	 * the client per stream, and a larger window gives more throughput to a fast
	 * consumer.
	 */
	private int streamWindow = 32;

	/**
	 * Number of I/O threads shared by all targets. Zero means one per available
	 * processor.
	 */
	private int ioThreads;

	/**
	 * Reconnection back-off after failed connection attempts.
	 */
	private final Reconnect reconnect = new Reconnect();

	/**
	 * Contribution of client targets to the easyrpc health indicator.
	 */
	private final Health health = new Health();

	/**
	 * Warming the client channels up when the application starts.
	 */
	private final WarmUp warmUp = new WarmUp();

	/**
	 * Whether each client checks at start-up that its server has every method the client
	 * interface calls, with the same number of parameters, through the server's
	 * reflection method: off, warn (log what differs or could not be checked) or fail
	 * (start-up fails). Targets may set their own.
	 */
	private VerifyOnStart verifyOnStart = VerifyOnStart.OFF;

	/**
	 * TLS settings that apply to every target that sets none of its own.
	 */
	private final Ssl ssl = new Ssl();

	/**
	 * Credentials sent to every target that does not set its own.
	 */
	private final Auth auth = new Auth();

	/**
	 * Servers that @RpcClient interfaces call, by target name.
	 */
	private Map<String, Target> targets = new LinkedHashMap<>();

	/**
	 * How discovery:// addresses are looked up.
	 */
	private final Discovery discovery = new Discovery();

	/**
	 * Encryption and authentication of every payload with AES-GCM, with a nonce and a
	 * timestamp against replays, for deployments that cannot use TLS. The server must use
	 * the same keys.
	 */
	@NestedConfigurationProperty
	private final PayloadCryptoProperties crypto = new PayloadCryptoProperties();

	/**
	 * Compression of large payloads. The server must enable it too.
	 */
	@NestedConfigurationProperty
	private final PayloadCompressionProperties compression = new PayloadCompressionProperties();

	@Override
	public void afterPropertiesSet() {
		validate();
	}

	/**
	 * Check the ranges of the values, client-wide and per target. Settings that depend on
	 * a target's address (TLS on a {@code ws://} address) are checked when its clients
	 * are created.
	 * @throws IllegalStateException if a value is wrong, with a message naming the
	 * property
	 */
	public void validate() {
		PropertyChecks.notNegative(this.timeout, "easyrpc.client.timeout");
		PropertyChecks.notNegative(this.streamTimeout, "easyrpc.client.stream-timeout");
		PropertyChecks.notNegative(this.streamIdleTimeout, "easyrpc.client.stream-idle-timeout");
		PropertyChecks.frameSize(this.maxFrameSize, "easyrpc.client.max-frame-size");
		PropertyChecks.notNegative(this.connectTimeout, "easyrpc.client.connect-timeout");
		PropertyChecks.notNegative(this.keepAlive, "easyrpc.client.keep-alive");
		PropertyChecks.atLeast(this.streamWindow, 2, "easyrpc.client.stream-window");
		PropertyChecks.atLeast(this.ioThreads, 0, "easyrpc.client.io-threads");
		PropertyChecks.notNegative(this.reconnect.getInitialBackoff(), "easyrpc.client.reconnect.initial-backoff");
		PropertyChecks.notNegative(this.reconnect.getMaxBackoff(), "easyrpc.client.reconnect.max-backoff");
		PropertyChecks.positive(this.health.getProbeTimeout(), "easyrpc.client.health.probe-timeout");
		PropertyChecks.atLeast(this.warmUp.getCalls(), 0, "easyrpc.client.warm-up.calls");
		PropertyChecks.positive(this.warmUp.getTimeout(), "easyrpc.client.warm-up.timeout");
		String instead = "give the secret the server expects, or remove the property to connect without authentication";
		PropertyChecks.notBlankIfSet(this.auth.getSharedSecret(), "easyrpc.client.auth.shared-secret", instead);
		this.targets.forEach((name, target) -> {
			String prefix = "easyrpc.client.targets." + name + ".";
			PropertyChecks.notNegative(target.getTimeout(), prefix + "timeout");
			PropertyChecks.notNegative(target.getStreamTimeout(), prefix + "stream-timeout");
			PropertyChecks.notNegative(target.getStreamIdleTimeout(), prefix + "stream-idle-timeout");
			target.getMethodTimeouts()
				.forEach(
						(method, timeout) -> PropertyChecks.notNegative(timeout, prefix + "method-timeouts." + method));
			PropertyChecks.notBlankIfSet(target.getAuth().getSharedSecret(), prefix + "auth.shared-secret", instead);
			target.checkAddresses(prefix);
			target.getRetry().toPolicy(prefix + "retry");
		});
		PropertyChecks.positive(this.discovery.getRefreshInterval(), "easyrpc.client.discovery.refresh-interval");
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Duration getStreamTimeout() {
		return this.streamTimeout;
	}

	public void setStreamTimeout(Duration streamTimeout) {
		this.streamTimeout = streamTimeout;
	}

	public Duration getStreamIdleTimeout() {
		return this.streamIdleTimeout;
	}

	public void setStreamIdleTimeout(Duration streamIdleTimeout) {
		this.streamIdleTimeout = streamIdleTimeout;
	}

	public List<String> getExceptionPackages() {
		return this.exceptionPackages;
	}

	public void setExceptionPackages(List<String> exceptionPackages) {
		this.exceptionPackages = exceptionPackages;
	}

	public DataSize getMaxFrameSize() {
		return this.maxFrameSize;
	}

	public void setMaxFrameSize(DataSize maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getKeepAlive() {
		return this.keepAlive;
	}

	public void setKeepAlive(Duration keepAlive) {
		this.keepAlive = keepAlive;
	}

	public int getStreamWindow() {
		return this.streamWindow;
	}

	public void setStreamWindow(int streamWindow) {
		this.streamWindow = streamWindow;
	}

	public int getIoThreads() {
		return this.ioThreads;
	}

	public void setIoThreads(int ioThreads) {
		this.ioThreads = ioThreads;
	}

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	public Health getHealth() {
		return this.health;
	}

	public WarmUp getWarmUp() {
		return this.warmUp;
	}

	public VerifyOnStart getVerifyOnStart() {
		return this.verifyOnStart;
	}

	public void setVerifyOnStart(VerifyOnStart verifyOnStart) {
		this.verifyOnStart = verifyOnStart;
	}

	/**
	 * Return the start-up check of a target: its own, else the global one.
	 * @param targetName the name under {@code easyrpc.client.targets}, empty for a client
	 * with a URL and no target
	 * @return the check
	 */
	public VerifyOnStart verifyOnStart(String targetName) {
		Target target = this.targets.get(targetName);
		return (target != null && target.getVerifyOnStart() != null) ? target.getVerifyOnStart() : this.verifyOnStart;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public Auth getAuth() {
		return this.auth;
	}

	public Map<String, Target> getTargets() {
		return this.targets;
	}

	public void setTargets(Map<String, Target> targets) {
		this.targets = targets;
	}

	public Discovery getDiscovery() {
		return this.discovery;
	}

	public PayloadCryptoProperties getCrypto() {
		return this.crypto;
	}

	public PayloadCompressionProperties getCompression() {
		return this.compression;
	}

	/**
	 * Reconnection back-off.
	 */
	public static class Reconnect {

		/**
		 * Back-off after the first failed connection attempt; calls made during it fail
		 * at once with UNAVAILABLE.
		 */
		private Duration initialBackoff = Duration.ofMillis(200);

		/**
		 * Longest back-off; it grows 1.6 times with every failed attempt up to this
		 * value, each delay spread by 20% either way.
		 */
		private Duration maxBackoff = Duration.ofSeconds(5);

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

	}

	/**
	 * Default TLS settings of the targets.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) used to connect to every TCP and
		 * wss:// target over TLS, unless the target sets its own: its trust store decides
		 * which server certificates are accepted, its key store holds the client
		 * certificate sent to servers that ask for one (mutual TLS).
		 */
		private String bundle;

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

	}

	/**
	 * Look-up of the instances of discovery:// addresses.
	 */
	public static class Discovery {

		/**
		 * How often the instances of a discovery:// address are looked up again when
		 * Spring Cloud LoadBalancer is not on the class path (its
		 * ServiceInstanceListSupplier is asked as often, and answers from its own cache).
		 * A HeartbeatEvent of the registry also triggers a look-up.
		 */
		private Duration refreshInterval = Duration.ofSeconds(5);

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

	/**
	 * What a client's start-up check against its server's reflection does.
	 */
	public enum VerifyOnStart {

		/**
		 * No check.
		 */
		OFF,

		/**
		 * Log a warning for each method the server lacks or takes a different number of
		 * parameters, and for a server that cannot be asked.
		 */
		WARN,

		/**
		 * Fail start-up for the same.
		 */
		FAIL

	}

	/**
	 * Warm-up settings.
	 */
	public static class WarmUp {

		/**
		 * Whether every client channel connects to its instances and makes a few calls of
		 * the server's reflection method when the application starts, before it is ready,
		 * so that its first calls do not queue behind connection set-up and class
		 * loading. Off by default: channels connect on their first call.
		 */
		private boolean enabled;

		/**
		 * How many reflection calls each channel makes once connected.
		 */
		private int calls = 20;

		/**
		 * How long start-up waits for the warm-up of all channels. A channel not warm by
		 * then is logged and connects on demand.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getCalls() {
			return this.calls;
		}

		public void setCalls(int calls) {
			this.calls = calls;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * Health settings.
	 */
	public static class Health {

		/**
		 * Whether a target whose last connection attempt failed makes the easyrpc health
		 * indicator DOWN. Off by default: a remote outage should not restart the caller.
		 */
		private boolean downWhenUnavailable;

		public boolean isDownWhenUnavailable() {
			return this.downWhenUnavailable;
		}

		public void setDownWhenUnavailable(boolean downWhenUnavailable) {
			this.downWhenUnavailable = downWhenUnavailable;
		}

		/**
		 * Whether the easyrpc health indicator pings every target on each health check
		 * (connecting if need be) and reports the round trip. A target that does not
		 * answer within the probe timeout counts as unavailable. Off by default: health
		 * checks then only report the connection state and never cause traffic.
		 */
		private boolean probe;

		/**
		 * How long a probe of one target may take, connection included.
		 */
		private Duration probeTimeout = Duration.ofSeconds(2);

		public boolean isProbe() {
			return this.probe;
		}

		public void setProbe(boolean probe) {
			this.probe = probe;
		}

		public Duration getProbeTimeout() {
			return this.probeTimeout;
		}

		public void setProbeTimeout(Duration probeTimeout) {
			this.probeTimeout = probeTimeout;
		}

	}

	/**
	 * Credentials sent to a server.
	 */
	public static class Auth {

		/**
		 * Secret shared with the server, proven with a challenge-response at connection
		 * start (HMAC-SHA256; the secret never crosses the wire). Its UTF-8 bytes are the
		 * key. A server that does not ask for it is refused with UNAUTHENTICATED.
		 */
		private String sharedSecret;

		public String getSharedSecret() {
			return this.sharedSecret;
		}

		public void setSharedSecret(String sharedSecret) {
			this.sharedSecret = sharedSecret;
		}

		/**
		 * Bearer token sent as 'authorization: Bearer <token>' metadata. The global one
		 * goes to every target unless a BearerTokenSource bean exists; a target's one
		 * takes precedence over both, and an empty target value sends no token to that
		 * target.
		 */
		private String bearerToken;

		public String getBearerToken() {
			return this.bearerToken;
		}

		public void setBearerToken(String bearerToken) {
			this.bearerToken = bearerToken;
		}

	}

	/**
	 * One server that clients call, with one or several instances.
	 */
	public static class Target {

		/**
		 * Address of the server: tcp://host:port, ws://host:port/path or
		 * wss://host:port/path (a WebSocket endpoint, plain or over TLS; the path
		 * defaults to /easyrpc), unix:/path/to.sock (a unix domain socket on this host),
		 * inproc://name, or discovery://service-id for the instances that Spring Cloud
		 * discovery knows of. Use addresses instead for several instances.
		 */
		private String address;

		/**
		 * Addresses of the instances of the server, in any of the forms of address; calls
		 * are spread over them as load-balancing says. A discovery:// address must be the
		 * only one of its list.
		 */
		private List<String> addresses = new ArrayList<>();

		/**
		 * How each call chooses among the instances.
		 */
		private LoadBalancing loadBalancing = LoadBalancing.ROUND_ROBIN;

		/**
		 * Ordered groups of instances, instead of address or addresses: calls go to the
		 * first group that has a usable instance, and fall back to the next when none of
		 * it is.
		 */
		private List<Group> groups = new ArrayList<>();

		/**
		 * Deadline of calls to this target, instead of easyrpc.client.timeout.
		 */
		private Duration timeout;

		/**
		 * Start-up check of this target's clients against its server's reflection,
		 * instead of easyrpc.client.verify-on-start.
		 */
		private VerifyOnStart verifyOnStart;

		/**
		 * Deadline of server streams of this target, instead of
		 * easyrpc.client.stream-timeout; zero for none.
		 */
		private Duration streamTimeout;

		/**
		 * Longest silence between stream items of this target, instead of
		 * easyrpc.client.stream-idle-timeout; zero for no limit.
		 */
		private Duration streamIdleTimeout;

		/**
		 * Deadlines of single methods, keyed by Java method name, instead of the target's
		 * timeout.
		 */
		private Map<String, Duration> methodTimeouts = new LinkedHashMap<>();

		/**
		 * Java method names of the client interface that are idempotent, as if annotated
		 * with @RpcMethod(idempotent = true): their calls carry an idempotency key, are
		 * re-attached after a lost connection and may be retried.
		 */
		private List<String> idempotentMethods = new ArrayList<>();

		/**
		 * Retries of failed calls of idempotent methods.
		 */
		private final Retry retry = new Retry();

		/**
		 * TLS settings of this target.
		 */
		private final TargetSsl ssl = new TargetSsl();

		/**
		 * Credentials sent to this target, instead of easyrpc.client.auth.
		 */
		private final Auth auth = new Auth();

		/**
		 * Name of the MsgpackRpcNotificationListener bean that receives the notifications
		 * of this target's plain MessagePack-RPC servers (msgpack-rpc:// and
		 * msgpack-rpc+unix: addresses), instead of every such bean.
		 */
		private String notificationListener;

		/**
		 * Encoding of the payload values (arguments, results, stream items) sent to this
		 * target: msgpack, or json for JSON text inside the MessagePack frames (readable
		 * in captures; the server must accept it).
		 */
		private CodecFormat codec = CodecFormat.MSGPACK;

		public String getAddress() {
			return this.address;
		}

		public String getNotificationListener() {
			return this.notificationListener;
		}

		public void setNotificationListener(String notificationListener) {
			this.notificationListener = notificationListener;
		}

		public void setAddress(String address) {
			this.address = address;
		}

		public List<String> getAddresses() {
			return this.addresses;
		}

		public void setAddresses(List<String> addresses) {
			this.addresses = addresses;
		}

		public LoadBalancing getLoadBalancing() {
			return this.loadBalancing;
		}

		public void setLoadBalancing(LoadBalancing loadBalancing) {
			this.loadBalancing = loadBalancing;
		}

		public List<Group> getGroups() {
			return this.groups;
		}

		public void setGroups(List<Group> groups) {
			this.groups = groups;
		}

		/**
		 * Return whether the target names at least one address, in any of the forms.
		 * @return {@code true} if an address, addresses or groups are set
		 */
		public boolean hasAddresses() {
			return (this.address != null && !this.address.isBlank()) || !this.addresses.isEmpty()
					|| !this.groups.isEmpty();
		}

		/**
		 * Return the addresses of the target as ordered groups: one group for address or
		 * addresses, one per entry of groups. The addresses are checked by
		 * {@link EasyRpcClientProperties#validate()}.
		 * @return the groups, empty if the target has no address
		 */
		public List<List<String>> addressGroups() {
			if (!this.groups.isEmpty()) {
				return this.groups.stream().map(Group::addressList).toList();
			}
			List<String> single = new Group(this.address, this.addresses).addressList();
			return single.isEmpty() ? List.of() : List.of(single);
		}

		void checkAddresses(String prefix) {
			boolean hasAddress = this.address != null;
			if (hasAddress && !this.addresses.isEmpty()) {
				throw new RpcConfigurationException(prefix + "addresses", prefix + "address and " + prefix
						+ "addresses are both set: set address for one instance or addresses for several");
			}
			if (!this.groups.isEmpty() && (hasAddress || !this.addresses.isEmpty())) {
				throw new RpcConfigurationException(prefix + "groups",
						prefix + "groups is set together with " + prefix + (hasAddress ? "address" : "addresses")
								+ ": a target with groups lists its addresses in the groups only");
			}
			Map<RpcAddress, String> seen = new HashMap<>();
			if (this.groups.isEmpty()) {
				checkList(this.address, this.addresses, prefix, seen);
			}
			for (int i = 0; i < this.groups.size(); i++) {
				Group group = this.groups.get(i);
				String groupPrefix = prefix + "groups[" + i + "].";
				if (group.getAddress() == null && group.getAddresses().isEmpty()) {
					throw new RpcConfigurationException(groupPrefix + "addresses",
							groupPrefix + "addresses is empty: every group needs at least one address");
				}
				if (group.getAddress() != null && !group.getAddresses().isEmpty()) {
					throw new RpcConfigurationException(groupPrefix + "addresses",
							groupPrefix + "address and " + groupPrefix
									+ "addresses are both set: set address for one instance or addresses for several");
				}
				checkList(group.getAddress(), group.getAddresses(), groupPrefix, seen);
			}
		}

		private static void checkList(String address, List<String> addresses, String prefix,
				Map<RpcAddress, String> seen) {
			if (address != null) {
				checkAddress(address, prefix + "address", seen);
				return;
			}
			for (int i = 0; i < addresses.size(); i++) {
				String property = prefix + "addresses[" + i + "]";
				String entry = addresses.get(i);
				if (entry != null && DiscoveryAddress.isDiscovery(entry) && addresses.size() > 1) {
					throw new RpcConfigurationException(property,
							property + " is " + entry.trim()
									+ ": a discovery:// address must be the only address of its list, "
									+ "its instances come from the registry");
				}
				checkAddress(entry, property, seen);
			}
		}

		private static void checkAddress(String address, String property, Map<RpcAddress, String> seen) {
			if (address == null || address.isBlank()) {
				throw new RpcConfigurationException(property,
						property + " is empty: give an address such as tcp://host:7070 or discovery://service-id");
			}
			if (DiscoveryAddress.isDiscovery(address)) {
				DiscoveryAddress.serviceId(address, property);
				return;
			}
			RpcAddress parsed;
			try {
				parsed = RpcAddress.parse(address);
			}
			catch (IllegalArgumentException ex) {
				throw new RpcConfigurationException(property, property + ": " + ex.getMessage());
			}
			String previous = seen.putIfAbsent(parsed, property);
			if (previous != null) {
				throw new RpcConfigurationException(property, property + " repeats " + parsed + ", already given by "
						+ previous + ": each instance may be listed once per target");
			}
		}

		public VerifyOnStart getVerifyOnStart() {
			return this.verifyOnStart;
		}

		public void setVerifyOnStart(VerifyOnStart verifyOnStart) {
			this.verifyOnStart = verifyOnStart;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getStreamTimeout() {
			return this.streamTimeout;
		}

		public void setStreamTimeout(Duration streamTimeout) {
			this.streamTimeout = streamTimeout;
		}

		public Duration getStreamIdleTimeout() {
			return this.streamIdleTimeout;
		}

		public void setStreamIdleTimeout(Duration streamIdleTimeout) {
			this.streamIdleTimeout = streamIdleTimeout;
		}

		public Map<String, Duration> getMethodTimeouts() {
			return this.methodTimeouts;
		}

		public void setMethodTimeouts(Map<String, Duration> methodTimeouts) {
			this.methodTimeouts = methodTimeouts;
		}

		public Auth getAuth() {
			return this.auth;
		}

		public TargetSsl getSsl() {
			return this.ssl;
		}

		public List<String> getIdempotentMethods() {
			return this.idempotentMethods;
		}

		public void setIdempotentMethods(List<String> idempotentMethods) {
			this.idempotentMethods = idempotentMethods;
		}

		public Retry getRetry() {
			return this.retry;
		}

		public CodecFormat getCodec() {
			return this.codec;
		}

		public void setCodec(CodecFormat codec) {
			this.codec = codec;
		}

	}

	/**
	 * Retries of a target's idempotent calls, with a budget as in gRPC's retry
	 * throttling.
	 */
	public static class Retry {

		/**
		 * Most attempts of one call of an idempotent method, the first included; 1 turns
		 * retries off.
		 */
		private int maxAttempts = 3;

		/**
		 * Back-off before the first retry; each retry waits between half and all of the
		 * current back-off.
		 */
		private Duration initialBackoff = Duration.ofMillis(50);

		/**
		 * Longest back-off between attempts.
		 */
		private Duration maxBackoff = Duration.ofSeconds(1);

		/**
		 * Factor by which the back-off grows after each retry.
		 */
		private double multiplier = 2.0;

		/**
		 * Statuses after which a call is tried again.
		 */
		private Set<RpcStatus> retryableStatuses = EnumSet.of(RpcStatus.UNAVAILABLE);

		/**
		 * Size of the retry budget: failures take a token, successes give back
		 * token-ratio, and retries stop while half of the tokens or fewer are left.
		 */
		private int maxTokens = 10;

		/**
		 * Tokens a successful call gives back to the retry budget.
		 */
		private double tokenRatio = 0.1;

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Set<RpcStatus> getRetryableStatuses() {
			return this.retryableStatuses;
		}

		public void setRetryableStatuses(Set<RpcStatus> retryableStatuses) {
			this.retryableStatuses = retryableStatuses;
		}

		public int getMaxTokens() {
			return this.maxTokens;
		}

		public void setMaxTokens(int maxTokens) {
			this.maxTokens = maxTokens;
		}

		public double getTokenRatio() {
			return this.tokenRatio;
		}

		public void setTokenRatio(double tokenRatio) {
			this.tokenRatio = tokenRatio;
		}

		/**
		 * Return the policy these settings describe.
		 * @param property the prefix of the settings, named in errors
		 * @return the policy
		 * @throws IllegalStateException if a value is out of range
		 */
		public RetryPolicy toPolicy(String property) {
			try {
				return RetryPolicy.builder()
					.maxAttempts(this.maxAttempts)
					.initialBackoff(this.initialBackoff)
					.maxBackoff(this.maxBackoff)
					.multiplier(this.multiplier)
					.retryableStatuses(this.retryableStatuses)
					.maxTokens(this.maxTokens)
					.tokenRatio(this.tokenRatio)
					.build();
			}
			catch (IllegalArgumentException | NullPointerException ex) {
				// The message says it all; the builder's stack would only hide the
				// property.
				throw new RpcConfigurationException(property, "Invalid " + property + ": " + ex.getMessage());
			}
		}

	}

	/**
	 * One group of instances of a target.
	 */
	public static class Group {

		/**
		 * Address of the group's only instance, in any of the forms of a target's
		 * address.
		 */
		private String address;

		/**
		 * Addresses of the group's instances.
		 */
		private List<String> addresses = new ArrayList<>();

		public Group() {
		}

		Group(String address, List<String> addresses) {
			this.address = address;
			this.addresses = addresses;
		}

		public String getAddress() {
			return this.address;
		}

		public void setAddress(String address) {
			this.address = address;
		}

		public List<String> getAddresses() {
			return this.addresses;
		}

		public void setAddresses(List<String> addresses) {
			this.addresses = addresses;
		}

		List<String> addressList() {
			if (this.address != null && !this.address.isBlank()) {
				return List.of(this.address.trim());
			}
			return this.addresses.stream().map(String::trim).toList();
		}

	}

	/**
	 * TLS settings of one target.
	 */
	public static class TargetSsl {

		/**
		 * Whether to connect over TLS. Defaults to true when a bundle is set here or in
		 * easyrpc.client.ssl.bundle; false connects without TLS even when the default
		 * bundle is set; true without any bundle trusts the JDK's default certificate
		 * authorities. For WebSocket targets the scheme decides: wss:// always uses TLS,
		 * ws:// never.
		 */
		private Boolean enabled;

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) used for this target, instead of
		 * easyrpc.client.ssl.bundle.
		 */
		private String bundle;

		/**
		 * Host name sent to the server (SNI) and matched against its certificate.
		 * Defaults to the host of the address.
		 */
		private String serverName;

		public Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(Boolean enabled) {
			this.enabled = enabled;
		}

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

		public String getServerName() {
			return this.serverName;
		}

		public void setServerName(String serverName) {
			this.serverName = serverName;
		}

	}

}
