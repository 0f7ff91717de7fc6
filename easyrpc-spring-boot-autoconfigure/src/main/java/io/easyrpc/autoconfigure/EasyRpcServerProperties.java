package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the easyrpc server.
 */
@ConfigurationProperties("easyrpc.server")
public class EasyRpcServerProperties {

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
	 * 'local.easyrpc.port' property. Use -1 to serve only in-process.
	 */
	private int port = 7070;

	/**
	 * Name under which the server is also reachable in-process, as inproc://name, for
	 * tests that need no socket.
	 */
	private String inProcessName;

	/**
	 * Largest frame accepted from a client; larger frames close the connection with
	 * RESOURCE_EXHAUSTED.
	 */
	private DataSize maxFrameSize = DataSize.ofMegabytes(8);

	/**
	 * How long a connection may stay silent (no call, no ping) before it is closed. Zero
	 * disables the check.
	 */
	private Duration idleTimeout = Duration.ofSeconds(60);

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

	public DataSize getMaxFrameSize() {
		return this.maxFrameSize;
	}

	public void setMaxFrameSize(DataSize maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
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
	 * Settings of one served method.
	 */
	public static class Method {

		/**
		 * Whether the method may run on the I/O thread because it never blocks.
		 */
		private Boolean nonBlocking;

		public Boolean getNonBlocking() {
			return this.nonBlocking;
		}

		public void setNonBlocking(Boolean nonBlocking) {
			this.nonBlocking = nonBlocking;
		}

	}

}
