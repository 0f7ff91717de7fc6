package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.easyrpc.server.ConcurrencyLimit;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the easyrpc server. The values are checked once bound (see
 * {@link #validate()}), so that a wrong setting fails the start-up with a message naming
 * the property.
 */
@ConfigurationProperties("easyrpc.server")
public class EasyRpcServerProperties implements InitializingBean {

	/**
	 * Whether to serve @RpcService beans. Defaults to true when the application has at
	 * least one @RpcService bean.
	 */
	private Boolean enabled;

	/**
	 * Address to bind to.
	 */
	private String host = "0.0.0.0";

	/**
	 * TCP port to serve on. Use 0 for a free port; the bound port is published as the
	 * 'local.easyrpc.port' property. Use -1 to serve only in-process or on the unix
	 * socket.
	 */
	private int port = 7070;

	/**
	 * Name under which the server is also reachable in-process, as inproc://name, for
	 * tests that need no socket.
	 */
	private String inProcessName;

	/**
	 * Path of a unix domain socket the server also listens on, reachable by clients on
	 * the same host as unix:/path. A file left by a process that died is replaced; the
	 * file is removed when the server stops. With port -1 the server listens only there.
	 */
	private String unixSocket;

	/**
	 * Largest frame accepted from a client; larger frames close the connection with
	 * RESOURCE_EXHAUSTED.
	 */
	private DataSize maxFrameSize = DataSize.ofMegabytes(8);

	/**
	 * How long a connection may stay silent (no bytes received, no call in flight) before
	 * it is closed. Zero disables the check.
	 */
	private Duration idleTimeout = Duration.ofSeconds(60);

	/**
	 * How long a frame may take to arrive, counted from its first byte; a connection
	 * whose frame is still incomplete by then is closed with RESOURCE_EXHAUSTED. Zero
	 * disables the check.
	 */
	private Duration frameTimeout = Duration.ofSeconds(30);

	/**
	 * Most bytes all connections together may hold in frames that have not fully arrived;
	 * when reached, connections waiting for room stop reading until memory is released.
	 * Defaults to a quarter of the JVM's direct memory limit.
	 */
	private DataSize maxInboundMemory;

	/**
	 * Most bytes that may wait to be sent to one client that does not read; beyond it the
	 * connection is closed with RESOURCE_EXHAUSTED. Zero disables the limit.
	 */
	private DataSize maxOutboundPerConnection = DataSize.ofMegabytes(32);

	/**
	 * How many sessions (RpcSession) one client connection may have open at once. A call
	 * that would open one more fails with RESOURCE_EXHAUSTED.
	 */
	private int maxSessionsPerConnection = 1000;

	/**
	 * Credit, in items, that the server grants a client stream ahead of the method that
	 * consumes it; at most this many of the client's items wait on the server.
	 */
	private int streamWindow = 32;

	/**
	 * Server-wide limit on unary calls in flight.
	 */
	private final Limit limit = new Limit();

	/**
	 * Whether errors sent to clients carry the server's stack trace.
	 */
	private boolean exposeStackTraces;

	/**
	 * Whether to log one line per call (method key, peer, status, duration) at INFO under
	 * the logger 'easyrpc.access'.
	 */
	private boolean accessLog;

	/**
	 * Number of I/O threads. Zero means one per available processor.
	 */
	private int ioThreads;

	/**
	 * Worker executor for blocking service methods (used unless virtual threads are
	 * enabled with spring.threads.virtual.enabled).
	 */
	private final Executor executor = new Executor();

	/**
	 * Authentication of clients at connection start.
	 */
	private final Auth auth = new Auth();

	/**
	 * Per-method settings, keyed by method key (for example [Greeter.hello]).
	 */
	private Map<String, Method> methods = new LinkedHashMap<>();

	/**
	 * Encryption and authentication of every payload with AES-GCM, with a nonce and a
	 * timestamp against replays, for deployments that cannot use TLS. Clients must use
	 * the same keys.
	 */
	@NestedConfigurationProperty
	private final PayloadCryptoProperties crypto = new PayloadCryptoProperties();

	/**
	 * Compression of large payloads. Clients must enable it too.
	 */
	@NestedConfigurationProperty
	private final PayloadCompressionProperties compression = new PayloadCompressionProperties();

	/**
	 * TLS of the TCP port.
	 */
	private final Ssl ssl = new Ssl();

	/**
	 * Limits on the connections the server keeps open.
	 */
	private final Connections connections = new Connections();

	/**
	 * IP addresses allowed or refused to connect.
	 */
	private final Ip ip = new Ip();

	/**
	 * The WebSocket endpoint on the web server's port, for browsers and ws:// clients.
	 */
	private final WebSocket websocket = new WebSocket();

	/**
	 * De-duplication of calls that carry an idempotency key (calls of idempotent
	 * methods): such a call runs once per key, method and caller host, re-sends get its
	 * outcome, and it runs on when its connection closes.
	 */
	private final Dedup dedup = new Dedup();

	/**
	 * MessagePack-RPC peers served on the server's ports and WebSocket endpoint.
	 */
	private final MsgpackRpc msgpackRpc = new MsgpackRpc();

	/**
	 * Connections of clients that announce the JSON codec in their preface.
	 */
	private final JsonCodec jsonCodec = new JsonCodec();

	@Override
	public void afterPropertiesSet() {
		validate();
	}

	/**
	 * Check the ranges of the values, their syntax (IP rules) and the settings that only
	 * make sense together.
	 * @throws IllegalStateException if a value is wrong, with a message naming the
	 * property
	 * @throws IllegalArgumentException if an entry of {@code ip.allow} or
	 * {@code ip.block} is not an address or CIDR range
	 */
	public void validate() {
		if (this.port < -1 || this.port > 65535) {
			throw new RpcConfigurationException("easyrpc.server.port",
					"easyrpc.server.port must be between 0 and 65535 (0 for a free port), "
							+ "or -1 to serve only in-process, not " + this.port);
		}
		PropertyChecks.frameSize(this.maxFrameSize, "easyrpc.server.max-frame-size");
		PropertyChecks.notNegative(this.idleTimeout, "easyrpc.server.idle-timeout");
		PropertyChecks.notNegative(this.frameTimeout, "easyrpc.server.frame-timeout");
		if (this.maxInboundMemory != null && this.maxInboundMemory.toBytes() <= 0) {
			throw new RpcConfigurationException("easyrpc.server.max-inbound-memory",
					"easyrpc.server.max-inbound-memory must be positive, not " + this.maxInboundMemory);
		}
		if (this.maxOutboundPerConnection != null && this.maxOutboundPerConnection.toBytes() < 0) {
			throw new RpcConfigurationException("easyrpc.server.max-outbound-per-connection",
					"easyrpc.server.max-outbound-per-connection must not be negative, not "
							+ this.maxOutboundPerConnection);
		}
		PropertyChecks.atLeast(this.maxSessionsPerConnection, 1, "easyrpc.server.max-sessions-per-connection");
		PropertyChecks.atLeast(this.streamWindow, 1, "easyrpc.server.stream-window");
		PropertyChecks.positive(this.dedup.getTtl(), "easyrpc.server.dedup.ttl");
		PropertyChecks.atLeast(this.dedup.getMaxEntries(), 1, "easyrpc.server.dedup.max-entries");
		if (this.dedup.getMaxBytes() == null || this.dedup.getMaxBytes().toBytes() < 1) {
			throw new RpcConfigurationException("easyrpc.server.dedup.max-bytes",
					"easyrpc.server.dedup.max-bytes must be at least 1B, not " + this.dedup.getMaxBytes());
		}
		PropertyChecks.atLeast(this.ioThreads, 0, "easyrpc.server.io-threads");
		PropertyChecks.atLeast(this.executor.getMaxThreads(), 1, "easyrpc.server.executor.max-threads");
		PropertyChecks.atLeast(this.executor.getQueueCapacity(), 1, "easyrpc.server.executor.queue-capacity");
		PropertyChecks.notBlankIfSet(this.auth.getSharedSecret(), "easyrpc.server.auth.shared-secret",
				"give the secret clients must prove, or remove the property to serve without authentication");
		PropertyChecks.positive(this.auth.getTimeout(), "easyrpc.server.auth.timeout");
		if (!StringUtils.hasText(this.ssl.getBundle()) && this.ssl.getClientAuth() != ClientAuth.NONE) {
			throw new RpcConfigurationException("easyrpc.server.ssl.bundle", "easyrpc.server.ssl.client-auth="
					+ this.ssl.getClientAuth().name().toLowerCase(Locale.ROOT)
					+ " needs TLS: set easyrpc.server.ssl.bundle to the SSL bundle with the server's certificate");
		}
		this.limit.validate();
		PropertyChecks.atLeastIfSet(this.connections.getMax(), 1, "easyrpc.server.connections.max");
		PropertyChecks.atLeastIfSet(this.connections.getMaxPerIp(), 1, "easyrpc.server.connections.max-per-ip");
		PropertyChecks.notNegative(this.connections.getBlockTime(), "easyrpc.server.connections.block-time");
		PropertyChecks.ipRules(this.ip.getAllow(), "easyrpc.server.ip.allow");
		PropertyChecks.ipRules(this.ip.getBlock(), "easyrpc.server.ip.block");
		this.methods.forEach((key, method) -> {
			Integer maxConcurrency = method.getMaxConcurrency();
			if (maxConcurrency != null && maxConcurrency < 0) {
				throw new RpcConfigurationException("easyrpc.server.methods." + key + ".max-concurrency",
						"easyrpc.server.methods." + key + ".max-concurrency must be 0 (no limit) or positive, not "
								+ maxConcurrency);
			}
		});
	}

	public MsgpackRpc getMsgpackRpc() {
		return this.msgpackRpc;
	}

	public WebSocket getWebsocket() {
		return this.websocket;
	}

	public Boolean getEnabled() {
		return this.enabled;
	}

	public void setEnabled(Boolean enabled) {
		this.enabled = enabled;
	}

	public String getHost() {
		return this.host;
	}

	public void setHost(String host) {
		this.host = host;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public String getInProcessName() {
		return this.inProcessName;
	}

	public void setInProcessName(String inProcessName) {
		this.inProcessName = inProcessName;
	}

	public String getUnixSocket() {
		return this.unixSocket;
	}

	public void setUnixSocket(String unixSocket) {
		this.unixSocket = unixSocket;
	}

	public DataSize getMaxFrameSize() {
		return this.maxFrameSize;
	}

	public void setMaxFrameSize(DataSize maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	public Duration getFrameTimeout() {
		return this.frameTimeout;
	}

	public void setFrameTimeout(Duration frameTimeout) {
		this.frameTimeout = frameTimeout;
	}

	public DataSize getMaxInboundMemory() {
		return this.maxInboundMemory;
	}

	public void setMaxInboundMemory(DataSize maxInboundMemory) {
		this.maxInboundMemory = maxInboundMemory;
	}

	public DataSize getMaxOutboundPerConnection() {
		return this.maxOutboundPerConnection;
	}

	public void setMaxOutboundPerConnection(DataSize maxOutboundPerConnection) {
		this.maxOutboundPerConnection = maxOutboundPerConnection;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public int getMaxSessionsPerConnection() {
		return this.maxSessionsPerConnection;
	}

	public void setMaxSessionsPerConnection(int maxSessionsPerConnection) {
		this.maxSessionsPerConnection = maxSessionsPerConnection;
	}

	public int getStreamWindow() {
		return this.streamWindow;
	}

	public void setStreamWindow(int streamWindow) {
		this.streamWindow = streamWindow;
	}

	public boolean isExposeStackTraces() {
		return this.exposeStackTraces;
	}

	public void setExposeStackTraces(boolean exposeStackTraces) {
		this.exposeStackTraces = exposeStackTraces;
	}

	public boolean isAccessLog() {
		return this.accessLog;
	}

	public void setAccessLog(boolean accessLog) {
		this.accessLog = accessLog;
	}

	public int getIoThreads() {
		return this.ioThreads;
	}

	public void setIoThreads(int ioThreads) {
		this.ioThreads = ioThreads;
	}

	public Executor getExecutor() {
		return this.executor;
	}

	public Auth getAuth() {
		return this.auth;
	}

	public Map<String, Method> getMethods() {
		return this.methods;
	}

	public void setMethods(Map<String, Method> methods) {
		this.methods = methods;
	}

	public PayloadCryptoProperties getCrypto() {
		return this.crypto;
	}

	public PayloadCompressionProperties getCompression() {
		return this.compression;
	}

	public Connections getConnections() {
		return this.connections;
	}

	public Dedup getDedup() {
		return this.dedup;
	}

	public JsonCodec getJsonCodec() {
		return this.jsonCodec;
	}

	public Limit getLimit() {
		return this.limit;
	}

	public Ip getIp() {
		return this.ip;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	/**
	 * TLS settings of the server.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) with the server's certificate and
		 * private key, and with the certificates that client certificates must chain to
		 * when client-auth is want or need. When set, the TCP port accepts TLS
		 * connections only; when the bundle is reloaded, new connections use the new
		 * certificate.
		 */
		private String bundle;

		/**
		 * Whether clients must present a certificate that the bundle's trust store
		 * accepts: none, want (checked when sent) or need (mutual TLS).
		 */
		private ClientAuth clientAuth = ClientAuth.NONE;

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

		public ClientAuth getClientAuth() {
			return this.clientAuth;
		}

		public void setClientAuth(ClientAuth clientAuth) {
			this.clientAuth = clientAuth;
		}

	}

	/**
	 * Whether a TLS server asks clients for a certificate.
	 */
	public enum ClientAuth {

		/** Clients are not asked for a certificate. */
		NONE,

		/** Clients are asked for a certificate, which is checked when they send one. */
		WANT,

		/** Clients must send a certificate that the trust store accepts: mutual TLS. */
		NEED

	}

	/**
	 * Worker executor settings.
	 */
	public static class Executor {

		/**
		 * Maximum number of worker threads running blocking service methods.
		 */
		private int maxThreads = 200;

		/**
		 * Number of calls that may wait for a worker thread; calls beyond it are refused
		 * with RESOURCE_EXHAUSTED.
		 */
		private int queueCapacity = 100_000;

		public int getMaxThreads() {
			return this.maxThreads;
		}

		public void setMaxThreads(int maxThreads) {
			this.maxThreads = maxThreads;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

	}

	/**
	 * Authentication of clients.
	 */
	public static class Auth {

		/**
		 * Secret that clients must prove they know (challenge-response with HMAC-SHA256;
		 * the secret never crosses the wire) before any call is served. Its UTF-8 bytes
		 * are the key; use at least 32 random characters. Unset: no authentication.
		 */
		private String sharedSecret;

		/**
		 * How long a client has to authenticate after connecting before it is
		 * disconnected with UNAUTHENTICATED.
		 */
		private Duration timeout = Duration.ofSeconds(10);

		public String getSharedSecret() {
			return this.sharedSecret;
		}

		public void setSharedSecret(String sharedSecret) {
			this.sharedSecret = sharedSecret;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		/**
		 * Bearer tokens in 'authorization' metadata, checked with Spring Security.
		 */
		private final Bearer bearer = new Bearer();

		public Bearer getBearer() {
			return this.bearer;
		}

	}

	/**
	 * Connection limits.
	 */
	/**
	 * The WebSocket endpoint.
	 */
	public static class WebSocket {

		/**
		 * Whether to serve the easyrpc services over WebSocket on the servlet web
		 * server's port, when spring-websocket is present.
		 */
		private boolean enabled = true;

		/**
		 * Path of the WebSocket endpoint on the web server.
		 */
		private String path = "/easyrpc";

		/**
		 * Origins of the web pages allowed to open the endpoint, for example
		 * [https://app.example.com]; '*' allows any. When neither this nor
		 * 'allowed-origin-patterns' is set, only pages served by the same origin may
		 * connect. Clients that send no Origin header (not browsers) are always allowed.
		 */
		private List<String> allowedOrigins = new ArrayList<>();

		/**
		 * Origin patterns of the web pages allowed to open the endpoint, for example
		 * [https://*.example.com].
		 */
		private List<String> allowedOriginPatterns = new ArrayList<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public List<String> getAllowedOrigins() {
			return this.allowedOrigins;
		}

		public void setAllowedOrigins(List<String> allowedOrigins) {
			this.allowedOrigins = allowedOrigins;
		}

		public List<String> getAllowedOriginPatterns() {
			return this.allowedOriginPatterns;
		}

		public void setAllowedOriginPatterns(List<String> allowedOriginPatterns) {
			this.allowedOriginPatterns = allowedOriginPatterns;
		}

	}

	public static class Dedup {

		/**
		 * Whether calls with an idempotency key are de-duplicated.
		 */
		private boolean enabled = true;

		/**
		 * How long the outcome of a call is kept for its re-sends after it ended.
		 */
		private Duration ttl = Duration.ofMinutes(5);

		/**
		 * Most calls kept, running or ended.
		 */
		private int maxEntries = 100_000;

		/**
		 * Most bytes of kept outcomes (encoded results and errors with their keys).
		 */
		private DataSize maxBytes = DataSize.ofMegabytes(64);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

		public DataSize getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(DataSize maxBytes) {
			this.maxBytes = maxBytes;
		}

	}

	/**
	 * The server-wide limit on unary calls in flight: calls beyond it are refused at once
	 * with RESOURCE_EXHAUSTED and a retry hint, never started, instead of waiting for a
	 * worker past their deadline. Streams and notifications are not counted.
	 */
	public static class Limit {

		/**
		 * Whether to limit the unary calls in flight on the whole server.
		 */
		private boolean enabled;

		/**
		 * How the limit adapts to the measured latency: vegas, gradient2, aimd (backs off
		 * only on DEADLINE_EXCEEDED) or fixed (initial-limit).
		 */
		private ConcurrencyLimit.Algorithm algorithm = ConcurrencyLimit.DEFAULT.algorithm();

		/**
		 * Limit at start, before any latency is measured.
		 */
		private int initialLimit = ConcurrencyLimit.DEFAULT.initialLimit();

		/**
		 * Lowest the limit may fall to (gradient2 and aimd; vegas falls to 1 at most).
		 */
		private int minLimit = ConcurrencyLimit.DEFAULT.minLimit();

		/**
		 * Highest the limit may rise to.
		 */
		private int maxLimit = ConcurrencyLimit.DEFAULT.maxLimit();

		/**
		 * Delay a refusal suggests to the client before it tries again.
		 */
		private Duration retryAfter = ConcurrencyLimit.DEFAULT.retryAfter();

		/**
		 * Return the limit these properties describe.
		 * @return the limit, or {@code null} if it is not enabled
		 */
		public @Nullable ConcurrencyLimit toConcurrencyLimit() {
			if (!this.enabled) {
				return null;
			}
			return (this.algorithm == ConcurrencyLimit.Algorithm.FIXED)
					? new ConcurrencyLimit(this.algorithm, this.initialLimit, this.initialLimit, this.initialLimit,
							this.retryAfter)
					: new ConcurrencyLimit(this.algorithm, this.initialLimit, this.minLimit, this.maxLimit,
							this.retryAfter);
		}

		void validate() {
			PropertyChecks.atLeast(this.minLimit, 1, "easyrpc.server.limit.min-limit");
			PropertyChecks.atLeast(this.initialLimit, 1, "easyrpc.server.limit.initial-limit");
			PropertyChecks.notNegative(this.retryAfter, "easyrpc.server.limit.retry-after");
			if (this.enabled && this.algorithm != ConcurrencyLimit.Algorithm.FIXED
					&& (this.initialLimit < this.minLimit || this.maxLimit < this.initialLimit)) {
				throw new RpcConfigurationException("easyrpc.server.limit.initial-limit",
						"easyrpc.server.limit needs min-limit <= initial-limit <= max-limit, got " + this.minLimit
								+ ", " + this.initialLimit + " and " + this.maxLimit);
			}
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public ConcurrencyLimit.Algorithm getAlgorithm() {
			return this.algorithm;
		}

		public void setAlgorithm(ConcurrencyLimit.Algorithm algorithm) {
			this.algorithm = algorithm;
		}

		public int getInitialLimit() {
			return this.initialLimit;
		}

		public void setInitialLimit(int initialLimit) {
			this.initialLimit = initialLimit;
		}

		public int getMinLimit() {
			return this.minLimit;
		}

		public void setMinLimit(int minLimit) {
			this.minLimit = minLimit;
		}

		public int getMaxLimit() {
			return this.maxLimit;
		}

		public void setMaxLimit(int maxLimit) {
			this.maxLimit = maxLimit;
		}

		public Duration getRetryAfter() {
			return this.retryAfter;
		}

		public void setRetryAfter(Duration retryAfter) {
			this.retryAfter = retryAfter;
		}

	}

	public static class Connections {

		/**
		 * Maximum number of open connections; further connections are refused with
		 * RESOURCE_EXHAUSTED. Unlimited when not set.
		 */
		private Integer max;

		/**
		 * How long new connections keep being refused once one was refused for reaching
		 * 'max', even if connections close in the meantime. Zero refuses connections only
		 * while the server is at the limit.
		 */
		private Duration blockTime = Duration.ZERO;

		/**
		 * Maximum number of open connections from one IP address; further connections
		 * from it are refused with RESOURCE_EXHAUSTED. In-process connections are not
		 * counted. Unlimited when not set.
		 */
		private Integer maxPerIp;

		public Integer getMax() {
			return this.max;
		}

		public void setMax(Integer max) {
			this.max = max;
		}

		public Duration getBlockTime() {
			return this.blockTime;
		}

		public void setBlockTime(Duration blockTime) {
			this.blockTime = blockTime;
		}

		public Integer getMaxPerIp() {
			return this.maxPerIp;
		}

		public void setMaxPerIp(Integer maxPerIp) {
			this.maxPerIp = maxPerIp;
		}

	}

	/**
	 * IP allow and block lists.
	 */
	public static class Ip {

		/**
		 * IP addresses and CIDR ranges, IPv4 or IPv6 (for example 10.0.0.0/8, ::1),
		 * allowed to connect. When not empty, every other address is refused with
		 * PERMISSION_DENIED. In-process connections are always allowed.
		 */
		private List<String> allow = new ArrayList<>();

		/**
		 * IP addresses and CIDR ranges, IPv4 or IPv6, refused with PERMISSION_DENIED,
		 * even if they are also in the allow list.
		 */
		private List<String> block = new ArrayList<>();

		public List<String> getAllow() {
			return this.allow;
		}

		public void setAllow(List<String> allow) {
			this.allow = allow;
		}

		public List<String> getBlock() {
			return this.block;
		}

		public void setBlock(List<String> block) {
			this.block = block;
		}

	}

	/**
	 * MessagePack-RPC peers on the easyrpc ports: a connection that starts with a
	 * MessagePack-RPC request or notification instead of the easyrpc preface.
	 */
	public static class MsgpackRpc {

		/**
		 * Whether MessagePack-RPC peers are served. Unset, they are served unless the
		 * server requires a shared secret or bearer tokens, which MessagePack-RPC cannot
		 * send; true serves them even then, protected only by TLS, IP rules and call
		 * middleware; false refuses them.
		 */
		private @Nullable Boolean enabled;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Bearer token authentication with Spring Security.
	 */
	public static class Bearer {

		/**
		 * Whether calls are authenticated with the bearer token of their 'authorization'
		 * metadata when Spring Security is on the class path and the application has a
		 * JwtDecoder, AuthenticationManager or BearerTokenAuthenticator bean.
		 */
		private boolean enabled = true;

		/**
		 * Whether a call without a bearer token is refused with UNAUTHENTICATED. When
		 * false it runs without an Authentication, so that method security decides; a
		 * token that is present but invalid is refused either way.
		 */
		private boolean required = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isRequired() {
			return this.required;
		}

		public void setRequired(boolean required) {
			this.required = required;
		}

	}

	/**
	 * Settings of one served method.
	 */
	public static class Method {

		/**
		 * Whether the method may run on the I/O thread because it never blocks.
		 */
		private Boolean nonBlocking;

		/**
		 * Most calls of the method that may run at once; a call over the limit fails at
		 * once with RESOURCE_EXHAUSTED. 0 removes a limit set by @RpcMethod.
		 */
		private Integer maxConcurrency;

		/**
		 * Whether the method answers only callers in the same process or on the loopback
		 * interface; others receive PERMISSION_DENIED.
		 */
		private Boolean localOnly;

		public Boolean getNonBlocking() {
			return this.nonBlocking;
		}

		public void setNonBlocking(Boolean nonBlocking) {
			this.nonBlocking = nonBlocking;
		}

		public Integer getMaxConcurrency() {
			return this.maxConcurrency;
		}

		public void setMaxConcurrency(Integer maxConcurrency) {
			this.maxConcurrency = maxConcurrency;
		}

		public Boolean getLocalOnly() {
			return this.localOnly;
		}

		public void setLocalOnly(Boolean localOnly) {
			this.localOnly = localOnly;
		}

	}

	public static class JsonCodec {

		/**
		 * Whether clients may choose JSON for their payloads (codec: json). When off, the
		 * server's preface says so and such clients fail to connect.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
