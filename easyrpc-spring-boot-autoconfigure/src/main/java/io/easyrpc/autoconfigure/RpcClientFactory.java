package io.easyrpc.autoconfigure;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.easyrpc.annotation.RpcClient;
import io.easyrpc.client.AddressResolver;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientMethodOptions;
import io.easyrpc.client.RetryPolicy;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.LoadBalancing;
import io.easyrpc.client.MsgpackRpcNotificationListener;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.Reflection;
import io.easyrpc.gateway.GatewayTarget;
import io.easyrpc.codec.CodecFormat;
import io.easyrpc.codec.JsonObjectCodec;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.middleware.ClientCallObserver;
import io.easyrpc.transport.IoTransport;
import io.easyrpc.transport.RpcAddress;
import io.easyrpc.transport.Tls;
import io.easyrpc.transport.TransportResources;
import io.netty.handler.ssl.SslContext;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Creates the proxies of {@link RpcClient @RpcClient} interfaces and owns the channels
 * they call through: one {@link RpcChannel} per set of instances (and TLS setting),
 * shared by every interface that calls the same instances. A target with one address gets
 * a channel with one connection; a target with {@code addresses}, {@code groups} or a
 * {@code discovery://service-id} address gets a channel that balances its calls over the
 * instances as {@code load-balancing} says, falling back from group to group.
 * <p>
 * A target connects over TLS when {@code easyrpc.client.targets.<name>.ssl.bundle} or
 * {@code easyrpc.client.ssl.bundle} names an SSL bundle; the connections made after the
 * bundle is reloaded use its new content.
 * <p>
 * A target's shared secret is {@code easyrpc.client.targets.<name>.auth.shared-secret},
 * else {@code easyrpc.client.auth.shared-secret}; clients given by URL use the latter.
 * Since one server has one secret, clients that would call one address with different
 * secrets (or with and without one) are refused when they are created.
 */
public class RpcClientFactory implements DisposableBean, BeanClassLoaderAware {

	private static final String DISCOVERY_CLIENT = "org.springframework.cloud.client.discovery.DiscoveryClient";

	private final EasyRpcClientProperties properties;

	private final ObjectCodec codec;

	private Supplier<ObjectCodec> jsonCodec = JsonObjectCodec::createDefault;

	private ObjectCodec json;

	private final ClientProxyFactory proxyFactory;

	private final Environment environment;

	private final List<RpcClientBootstrapCustomizer> customizers;

	private TransportResources resources;

	private final List<ClientCallObserver> observers;

	private final List<RpcChannelBuilderCustomizer> channelCustomizers;

	private final Map<String, RpcChannel> channels = new LinkedHashMap<>();

	private final Map<String, Set<String>> targetNames = new LinkedHashMap<>();

	private final Map<String, Set<String>> clientNames = new LinkedHashMap<>();

	private final Map<String, Supplier<SslContext>> sslContexts = new LinkedHashMap<>();

	private final Map<String, String> descriptions = new LinkedHashMap<>();

	private final List<Client> clients = new ArrayList<>();

	private Supplier<DiscoveryResolvers> discoveryResolvers;

	private ClassLoader classLoader = RpcClientFactory.class.getClassLoader();

	private Function<String, MsgpackRpcNotificationListener> notificationListeners = (name) -> {
		throw new IllegalStateException("No MsgpackRpcNotificationListener bean named '" + name + "'");
	};

	private SslBundles sslBundles;

	// The shared secret of each address that has one. Never exposed.
	private final Map<String, String> secrets = new LinkedHashMap<>();

	/**
	 * Create a factory.
	 * @param properties the client properties
	 * @param codec the codec
	 * @param proxyFactory the proxy factory
	 * @param environment the environment, to resolve placeholders in URLs
	 * @param customizers customizers of the Netty bootstrap
	 */
	public RpcClientFactory(EasyRpcClientProperties properties, ObjectCodec codec, ClientProxyFactory proxyFactory,
			Environment environment, List<RpcClientBootstrapCustomizer> customizers) {
		this(properties, codec, proxyFactory, environment, customizers, List.of());
	}

	/**
	 * Create a factory whose channels report to call observers.
	 * @param properties the client properties
	 * @param codec the codec
	 * @param proxyFactory the proxy factory
	 * @param environment the environment, to resolve placeholders in URLs
	 * @param customizers customizers of the Netty bootstrap
	 * @param observers observers of every call, for metrics, tracing or logging
	 */
	public RpcClientFactory(EasyRpcClientProperties properties, ObjectCodec codec, ClientProxyFactory proxyFactory,
			Environment environment, List<RpcClientBootstrapCustomizer> customizers,
			List<ClientCallObserver> observers) {
		this(properties, codec, proxyFactory, environment, customizers, observers, List.of());
	}

	/**
	 * Create a factory whose channels report to call observers and are customized before
	 * they are built.
	 * @param properties the client properties
	 * @param codec the codec
	 * @param proxyFactory the proxy factory
	 * @param environment the environment, to resolve placeholders in URLs
	 * @param customizers customizers of the Netty bootstrap
	 * @param observers observers of every call, for metrics, tracing or logging
	 * @param channelCustomizers customizers of every channel's builder, applied last
	 */
	public RpcClientFactory(EasyRpcClientProperties properties, ObjectCodec codec, ClientProxyFactory proxyFactory,
			Environment environment, List<RpcClientBootstrapCustomizer> customizers, List<ClientCallObserver> observers,
			List<RpcChannelBuilderCustomizer> channelCustomizers) {
		this.observers = List.copyOf(observers);
		this.channelCustomizers = List.copyOf(channelCustomizers);
		this.properties = properties;
		this.codec = codec;
		this.proxyFactory = proxyFactory;
		this.environment = environment;
		this.customizers = List.copyOf(customizers);
		this.resources = new TransportResources("easyrpc-client", properties.getIoThreads());
	}

	/**
	 * Set the Netty transport of the clients' event loops. Call it before any client is
	 * created.
	 * @param transport the transport
	 * @throws IllegalStateException if a native transport is asked for and is not
	 * available
	 */
	public synchronized void setTransport(IoTransport transport) {
		if (!this.channels.isEmpty()) {
			throw new IllegalStateException("The transport must be set before clients are created");
		}
		TransportResources previous = this.resources;
		this.resources = new TransportResources("easyrpc-client", this.properties.getIoThreads(), transport);
		previous.close();
	}

	/**
	 * Set where the codec of targets with {@code codec: json} comes from. Defaults to
	 * {@link JsonObjectCodec#createDefault()}.
	 * @param jsonCodec asked once, when the first such client is created
	 */
	public void setJsonCodec(Supplier<? extends ObjectCodec> jsonCodec) {
		this.jsonCodec = jsonCodec::get;
	}

	/**
	 * Set where the resolvers of {@code discovery://} addresses come from.
	 * @param discoveryResolvers asked when a client of a discovery:// address is created;
	 * may return {@code null} when the application has none
	 */
	public void setDiscoveryResolvers(Supplier<DiscoveryResolvers> discoveryResolvers) {
		this.discoveryResolvers = discoveryResolvers;
	}

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	/**
	 * Set the SSL bundles that {@code ssl.bundle} properties name.
	 * @param sslBundles the application's bundles, {@code null} if it has none
	 */
	public void setSslBundles(SslBundles sslBundles) {
		this.sslBundles = sslBundles;
	}

	/**
	 * Create the proxy of a client interface.
	 * @param <T> the interface type
	 * @param type the interface
	 * @return the proxy
	 * @throws IllegalStateException if the interface's target has no address or names an
	 * SSL bundle that does not exist, with a message naming the property to set
	 */
	public <T> T createClient(Class<T> type) {
		RpcClient annotation = AnnotatedElementUtils.findMergedAnnotation(type, RpcClient.class);
		String targetName = (annotation != null) ? annotation.target() : "";
		String url = (annotation != null && StringUtils.hasText(annotation.url()))
				? this.environment.resolveRequiredPlaceholders(annotation.url()) : null;
		EasyRpcClientProperties.Target target = StringUtils.hasText(targetName)
				? this.properties.getTargets().get(targetName) : null;
		List<List<String>> groups = (url != null) ? List.of(List.of(url))
				: (target != null) ? target.addressGroups() : List.of();
		if (groups.isEmpty()) {
			throw new RpcConfigurationException(
					StringUtils.hasText(targetName) ? "easyrpc.client.targets." + targetName + ".address" : null,
					missingAddress(type, targetName),
					StringUtils.hasText(targetName)
							? "Set easyrpc.client.targets." + targetName
									+ ".address (for example tcp://localhost:7070), or addresses or groups for several "
									+ "instances."
							: "Give " + type.getName() + " a server: @RpcClient(target = \"name\") with "
									+ "easyrpc.client.targets.name.address, or @RpcClient(url = \"tcp://host:port\").");
		}
		Instances instances = instances(type, targetName, target, url, groups);
		Duration timeout = (target != null && target.getTimeout() != null) ? target.getTimeout()
				: this.properties.getTimeout();
		Map<String, Duration> methodTimeouts = (target != null) ? target.getMethodTimeouts() : Collections.emptyMap();
		Set<String> idempotentMethods = (target != null) ? Set.copyOf(target.getIdempotentMethods()) : Set.of();
		Duration streamTimeout = (target != null && target.getStreamTimeout() != null) ? target.getStreamTimeout()
				: this.properties.getStreamTimeout();
		Duration streamIdleTimeout = (target != null && target.getStreamIdleTimeout() != null)
				? target.getStreamIdleTimeout() : this.properties.getStreamIdleTimeout();
		ClientDefinition definition = new ClientDefinition(type, (annotation != null) ? annotation.service() : null,
				(annotation != null) ? annotation.group() : null, timeout,
				(method) -> methodOptions(method, methodTimeouts, idempotentMethods), streamTimeout, streamIdleTimeout);
		TlsSettings tls = tls(targetName, target, instances);
		RetryPolicy retry = (target != null)
				? target.getRetry().toPolicy("easyrpc.client.targets." + targetName + ".retry")
				: RetryPolicy.defaults();
		String listener = notificationListener(targetName, target, instances);
		CodecFormat format = (target != null && url == null) ? target.getCodec() : CodecFormat.MSGPACK;
		// Targets of one address with different codecs or notification listeners need
		// connections of their own.
		String key = channelKey(instances, tls, retry) + ((listener != null) ? " notifications:" + listener : "")
				+ ((format != CodecFormat.MSGPACK) ? " codec=json" : "");
		String secret = sharedSecret(target, instances);
		RpcChannel channel = channel(key, instances, tls, secret, type, retry, listener, format);
		synchronized (this) {
			if (StringUtils.hasText(targetName)) {
				this.targetNames.computeIfAbsent(key, (k) -> new LinkedHashSet<>()).add(targetName);
			}
			this.clientNames.computeIfAbsent(key, (k) -> new LinkedHashSet<>()).add(type.getName());
		}
		T proxy = this.proxyFactory.createProxy(definition, channel);
		synchronized (this) {
			this.clients.add(new Client(targetName, type, proxy, channel));
		}
		return proxy;
	}

	/**
	 * Return the clients created so far, in order.
	 * @return the clients
	 */
	public synchronized List<Client> clients() {
		return List.copyOf(this.clients);
	}

	/**
	 * Return a client of the reflection method every easyrpc server answers, calling
	 * through a channel of this factory.
	 * @param channel the channel
	 * @param timeout the deadline of its calls
	 * @return the client
	 */
	public Reflection reflection(RpcChannel channel, Duration timeout) {
		return this.proxyFactory
			.createProxy(new ClientDefinition(Reflection.class, null, Reflection.GROUP, timeout, null), channel);
	}

	/**
	 * Return the channel of a configured target, the one its clients share, for a gateway
	 * route that forwards to it.
	 * @param targetName the name of the entry under {@code easyrpc.client.targets}
	 * @param property the property that names the target, for messages
	 * @return the channel
	 * @throws IllegalStateException if no such target is configured or it has no valid
	 * address, with a message naming the property
	 */
	public RpcChannel targetChannel(String targetName, String property) {
		EasyRpcClientProperties.Target target = this.properties.getTargets().get(targetName);
		if (target == null) {
			throw new RpcConfigurationException(property,
					property + " names target '" + targetName
							+ "', which is not configured: set easyrpc.client.targets." + targetName
							+ ".address (configured targets: " + this.properties.getTargets().keySet() + ")");
		}
		if (!target.hasAddresses()) {
			throw new RpcConfigurationException("easyrpc.client.targets." + targetName + ".address",
					property + " names target '" + targetName + "', which has no address: set easyrpc.client.targets."
							+ targetName + ".address");
		}
		Instances instances = instances(GatewayTarget.class, targetName, target, null, target.addressGroups());
		TlsSettings tls = tls(targetName, target, instances);
		RetryPolicy retry = target.getRetry().toPolicy("easyrpc.client.targets." + targetName + ".retry");
		String listener = notificationListener(targetName, target, instances);
		String key = channelKey(instances, tls, retry) + ((listener != null) ? " notifications:" + listener : "");
		// A route passes MessagePack payloads on as they are, whatever the target's
		// codec.
		RpcChannel channel = channel(key, instances, tls, sharedSecret(target, instances), GatewayTarget.class, retry,
				listener, CodecFormat.MSGPACK);
		synchronized (this) {
			this.targetNames.computeIfAbsent(key, (k) -> new LinkedHashSet<>()).add(targetName);
		}
		return channel;
	}

	// The addresses of a target as ordered groups, each a fixed list or one discovery://
	// service. The properties were checked when bound; a URL is checked here.
	private Instances instances(Class<?> type, String targetName, EasyRpcClientProperties.Target target, String url,
			List<List<String>> groups) {
		String prefix = (url != null) ? "@RpcClient(url) of " + type.getName()
				: "easyrpc.client.targets." + targetName + "." + ((target.getGroups().isEmpty())
						? ((target.getAddress() != null) ? "address" : "addresses") : "groups");
		List<Group> planned = new ArrayList<>();
		for (List<String> group : groups) {
			if (group.size() == 1 && DiscoveryAddress.isDiscovery(group.get(0))) {
				planned.add(new Group(DiscoveryAddress.serviceId(group.get(0), prefix), List.of()));
				continue;
			}
			List<RpcAddress> addresses = new ArrayList<>();
			for (String address : group) {
				try {
					addresses.add(RpcAddress.parse(address));
				}
				catch (IllegalArgumentException ex) {
					throw new RpcConfigurationException((url != null) ? null : prefix, "easyrpc client "
							+ type.getName() + ": " + prefix + " is '" + address + "': " + ex.getMessage(), null);
				}
			}
			planned.add(new Group(null, List.copyOf(addresses)));
		}
		LoadBalancing balancing = (target != null && url == null) ? target.getLoadBalancing()
				: LoadBalancing.ROUND_ROBIN;
		return new Instances(List.copyOf(planned), balancing, prefix);
	}

	private static String missingAddress(Class<?> type, String targetName) {
		if (!StringUtils.hasText(targetName)) {
			return "easyrpc client " + type.getName()
					+ " names no server: set @RpcClient(target = ...) and easyrpc.client.targets.<target>.address, "
					+ "or @RpcClient(url = ...)";
		}
		return "easyrpc client " + type.getName() + " calls target '" + targetName
				+ "', which has no address: set easyrpc.client.targets." + targetName
				+ ".address (for example tcp://localhost:7070)";
	}

	// Targets with the same instances share a channel only if they retry alike: the
	// retry budget is the channel's.
	private ObjectCodec codec(CodecFormat format) {
		if (format == CodecFormat.MSGPACK) {
			return this.codec;
		}
		if (this.json == null) {
			this.json = this.jsonCodec.get();
		}
		return this.json;
	}

	private static String channelKey(Instances instances, TlsSettings tls, RetryPolicy retry) {
		return instances.description() + ((tls != null) ? " " + tls : "")
				+ (retry.equals(RetryPolicy.defaults()) ? "" : " " + retry);
	}

	private static ClientMethodOptions methodOptions(Method method, Map<String, Duration> methodTimeouts,
			Set<String> idempotentMethods) {
		ClientMethodOptions options = ClientMethodOptions.annotated(method, RpcServiceRegistrar.MERGED_RPC_METHOD);
		Duration timeout = methodTimeouts.get(method.getName());
		options = (timeout != null) ? options.withTimeout(timeout) : options;
		return idempotentMethods.contains(method.getName()) ? options.withIdempotent(true) : options;
	}

	// The target's own settings win over easyrpc.client.ssl.*; in-process targets never
	// use TLS. The scheme of a WebSocket address decides: ws:// is plain text (the
	// client-wide bundle does not apply, a target's own TLS settings are refused), wss://
	// always uses TLS, with the JDK's default trust unless a bundle is set.
	// Every fixed address of a target must ask for the same TLS settings; discovery://
	// instances are taken as TCP addresses, the scheme most of them publish.
	private TlsSettings tls(String targetName, EasyRpcClientProperties.Target target, Instances instances) {
		List<RpcAddress> fixed = instances.groups().stream().flatMap((group) -> group.addresses().stream()).toList();
		boolean discovery = instances.groups().stream().anyMatch((group) -> group.serviceId() != null);
		List<Optional<TlsSettings>> settings = new ArrayList<>();
		for (RpcAddress address : fixed) {
			settings.add(Optional.ofNullable(address.isInProcess() ? null : tls(targetName, target, address)));
		}
		if (discovery) {
			settings.add(Optional.ofNullable(tls(targetName, target, (RpcAddress) null)));
		}
		if (settings.stream().distinct().count() > 1) {
			throw new RpcConfigurationException(instances.property(),
					instances.property() + " of " + targetName
							+ " mixes addresses that connect with and without TLS (or with different TLS settings): "
							+ "the instances of a target share its TLS settings");
		}
		return settings.get(0).orElse(null);
	}

	private TlsSettings tls(String targetName, EasyRpcClientProperties.Target target, RpcAddress address) {
		EasyRpcClientProperties.TargetSsl ssl = (target != null) ? target.getSsl() : null;
		String prefix = "easyrpc.client.targets." + targetName + ".ssl.";
		if (address != null && address.isMsgpackRpc()) {
			// Like ws://: the client-wide bundle does not apply, the target's own TLS
			// settings are refused.
			if (ssl != null && (StringUtils.hasText(ssl.getBundle()) || Boolean.TRUE.equals(ssl.getEnabled()))) {
				throw new IllegalStateException(prefix + ((ssl.getBundle() != null) ? "bundle" : "enabled")
						+ " asks for TLS, but the target's address " + address
						+ " is a MessagePack-RPC address, which does not support TLS");
			}
			return null;
		}
		if (address != null && address.isWebSocket() && !address.isSecureWebSocket()) {
			if (ssl != null && (StringUtils.hasText(ssl.getBundle()) || Boolean.TRUE.equals(ssl.getEnabled()))) {
				throw new RpcConfigurationException(prefix + ((ssl.getBundle() != null) ? "bundle" : "enabled"),
						prefix + ((ssl.getBundle() != null) ? "bundle" : "enabled")
								+ " asks for TLS, but the target's address " + address
								+ " is a plain-text WebSocket address: use wss:// for WebSocket over TLS");
			}
			return null;
		}
		if (address != null && address.isSecureWebSocket() && ssl != null && Boolean.FALSE.equals(ssl.getEnabled())) {
			throw new RpcConfigurationException(prefix + "enabled",
					prefix + "enabled is false, but the target's address " + address
							+ " is a wss:// address, which always uses TLS: use ws:// for WebSocket without TLS");
		}
		if (ssl != null && Boolean.FALSE.equals(ssl.getEnabled())) {
			return null;
		}
		String serverName = (ssl != null && StringUtils.hasText(ssl.getServerName())) ? ssl.getServerName() : null;
		if (ssl != null && StringUtils.hasText(ssl.getBundle())) {
			return new TlsSettings(ssl.getBundle(), prefix + "bundle", serverName);
		}
		if (StringUtils.hasText(this.properties.getSsl().getBundle())) {
			return new TlsSettings(this.properties.getSsl().getBundle(), "easyrpc.client.ssl.bundle", serverName);
		}
		if ((ssl != null && Boolean.TRUE.equals(ssl.getEnabled()))
				|| (address != null && address.isSecureWebSocket())) {
			return new TlsSettings(null, prefix + "enabled", serverName);
		}
		return null;
	}

	private synchronized Supplier<SslContext> sslContexts(TlsSettings tls) {
		String key = (tls.bundle() != null) ? tls.bundle() : "";
		return this.sslContexts.computeIfAbsent(key,
				(name) -> (tls.bundle() != null)
						? SslBundleContexts.client(this.sslBundles, tls.bundle(), tls.property())
						: Tls.fixed(SslBundleContexts.systemDefaultClientContext(tls.property())));
	}

	// The client-wide secret does not apply to plain MessagePack-RPC servers, which have
	// no easyrpc handshake; a target's own secret is refused when its channel is built.
	private String sharedSecret(EasyRpcClientProperties.Target target, Instances instances) {
		String secret = (target != null) ? target.getAuth().getSharedSecret() : null;
		return (secret != null || instances.isMsgpackRpc()) ? secret : this.properties.getAuth().getSharedSecret();
	}

	// The bean a target names for the notifications of its MessagePack-RPC servers, or
	// null.
	private String notificationListener(String targetName, EasyRpcClientProperties.Target target, Instances instances) {
		String name = (target != null && StringUtils.hasText(target.getNotificationListener()))
				? target.getNotificationListener() : null;
		if (name != null && !instances.isMsgpackRpc()) {
			throw new IllegalStateException("easyrpc.client.targets." + targetName
					+ ".notification-listener is set, but the target's addresses are not msgpack-rpc:// or "
					+ "msgpack-rpc+unix: addresses: only plain MessagePack-RPC servers send notifications to clients");
		}
		return name;
	}

	/**
	 * Set how the notification listener a target names (its {@code notification-listener}
	 * property) is found.
	 * @param notificationListeners returns the bean of a name, failing if there is none
	 */
	public void setNotificationListeners(Function<String, MsgpackRpcNotificationListener> notificationListeners) {
		this.notificationListeners = notificationListeners;
	}

	private synchronized RpcChannel channel(String key, Instances instances, TlsSettings tls, String secret,
			Class<?> client, RetryPolicy retry, String notificationListener, CodecFormat format) {
		if (this.channels.containsKey(key) && !Objects.equals(this.secrets.get(key), secret)) {
			throw new IllegalStateException("easyrpc client " + client.getName() + " calls " + key
					+ " with another shared secret than " + this.clientNames.getOrDefault(key, Set.of())
					+ " (or one of them has none): a server has one secret, so every target of " + key
					+ " needs the same auth.shared-secret");
		}
		if (secret != null) {
			this.secrets.put(key, secret);
		}
		Supplier<SslContext> contexts = (tls != null) ? sslContexts(tls) : null;
		return this.channels.computeIfAbsent(key, (k) -> {
			this.descriptions.put(k, instances.description());
			RpcChannel.Builder builder = builder(instances, client).codec(codec(format))
				.transportResources(this.resources)
				.sharedSecret(secret)
				.retry(retry);
			applyProperties(builder);
			if (contexts != null) {
				builder.sslContextSupplier(contexts);
				if (tls.serverName() != null) {
					builder.sslServerName(tls.serverName());
				}
			}
			this.customizers.forEach((customizer) -> builder.bootstrapCustomizer(customizer::customize));
			this.observers.forEach(builder::observer);
			this.channelCustomizers.forEach((customizer) -> customizer.customize(instances.description(), builder));
			if (notificationListener != null) {
				builder.msgpackRpcNotificationListener(this.notificationListeners.apply(notificationListener));
			}
			return builder.build();
		});
	}

	// One fixed address keeps the single-instance channel; a discovery:// group gets a
	// resolver; the later groups are ordered fall-backs.
	private RpcChannel.Builder builder(Instances instances, Class<?> client) {
		Group first = instances.groups().get(0);
		RpcChannel.Builder builder = (first.serviceId() == null) ? RpcChannel.builder(first.addresses())
				: RpcChannel.builder(instances.description(), resolver(first, instances, client));
		builder.loadBalancing(instances.balancing());
		for (Group next : instances.groups().subList(1, instances.groups().size())) {
			if (next.serviceId() == null) {
				builder.fallback(next.addresses());
			}
			else {
				builder.fallback(resolver(next, instances, client));
			}
		}
		return builder;
	}

	private AddressResolver resolver(Group group, Instances instances, Class<?> client) {
		DiscoveryResolvers resolvers = (this.discoveryResolvers != null) ? this.discoveryResolvers.get() : null;
		if (resolvers == null && !ClassUtils.isPresent(DISCOVERY_CLIENT, this.classLoader)) {
			throw new RpcConfigurationException(instances.property(),
					instances.property() + " of easyrpc client " + client.getName() + " is discovery://"
							+ group.serviceId()
							+ ", but Spring Cloud is not on the class path: add the discovery starter of the registry, "
							+ "for example org.springframework.cloud:spring-cloud-starter-zookeeper-discovery");
		}
		if (resolvers == null) {
			throw new IllegalStateException(instances.property() + " of easyrpc client " + client.getName()
					+ " is discovery://" + group.serviceId()
					+ ", but the application has no DiscoveryResolvers bean: is easyrpc's discovery "
					+ "auto-configuration excluded?");
		}
		try {
			return resolvers.resolver(group.serviceId());
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException(instances.property() + " of easyrpc client " + client.getName()
					+ " is discovery://" + group.serviceId() + ": " + ex.getMessage());
		}
	}

	private void applyProperties(RpcChannel.Builder builder) {
		EasyRpcClientProperties properties = this.properties;
		PropertyMapper map = PropertyMapper.get();
		map.from(properties::getMaxFrameSize).asInt(DataSize::toBytes).to(builder::maxFrameSize);
		map.from(properties::getConnectTimeout).to(builder::connectTimeout);
		map.from(properties::getKeepAlive).to(builder::keepAlive);
		map.from(properties::getStreamWindow).to(builder::streamWindow);
		map.from(properties.getReconnect()::getInitialBackoff).to(builder::initialBackoff);
		map.from(properties.getReconnect()::getMaxBackoff).to(builder::maxBackoff);
	}

	/**
	 * Return the servers called so far, with the targets and client interfaces that call
	 * each and its channel.
	 * @return the targets, one per address
	 */
	public synchronized List<Target> targets() {
		List<Target> targets = new ArrayList<>();
		this.channels.forEach((key,
				channel) -> targets.add(new Target(this.descriptions.getOrDefault(key, channel.target()),
						List.copyOf(this.targetNames.getOrDefault(key, Set.of())),
						List.copyOf(this.clientNames.getOrDefault(key, Set.of())), channel)));
		return targets;
	}

	/**
	 * Return the channels created so far, by address; the address of a TLS channel is
	 * followed by its TLS settings.
	 * @return the channels
	 */
	public synchronized Map<String, RpcChannel> channels() {
		return Map.copyOf(this.channels);
	}

	private synchronized TransportResources resources() {
		return this.resources;
	}

	@Override
	public void destroy() {
		List<RpcChannel> all;
		synchronized (this) {
			all = List.copyOf(this.channels.values());
			this.channels.clear();
		}
		all.forEach(RpcChannel::close);
		resources().close();
	}

	/**
	 * How a target connects over TLS.
	 *
	 * @param bundle the SSL bundle, {@code null} for the JDK's default trust
	 * @param property the property that asked for TLS
	 * @param serverName the server name to check, {@code null} for the address's host
	 */
	private record TlsSettings(String bundle, String property, String serverName) {

		@Override
		public String toString() {
			return "(tls" + ((this.bundle != null) ? " bundle=" + this.bundle : "")
					+ ((this.serverName != null) ? " server-name=" + this.serverName : "") + ")";
		}

	}

	/**
	 * One group of instances: a fixed list, or the instances of a discovery:// service.
	 *
	 * @param serviceId the service id, {@code null} for a fixed list
	 * @param addresses the fixed addresses
	 */
	private record Group(String serviceId, List<RpcAddress> addresses) {

		@Override
		public String toString() {
			if (this.serviceId != null) {
				return "discovery://" + this.serviceId;
			}
			List<String> sorted = this.addresses.stream().map(RpcAddress::toString).sorted().toList();
			return (sorted.size() == 1) ? sorted.get(0) : sorted.toString();
		}

	}

	/**
	 * The instances a target calls.
	 *
	 * @param groups the ordered groups
	 * @param balancing how calls choose among the instances of a group
	 * @param property the property the addresses come from, for messages
	 */
	private record Instances(List<Group> groups, LoadBalancing balancing, String property) {

		// The key of shared channels: targets with the same instances (in any order
		// within
		// a group) and policy share one; a single address never names its policy.
		// Whether every instance is a fixed MessagePack-RPC address.
		boolean isMsgpackRpc() {
			return this.groups.stream()
				.allMatch((group) -> group.serviceId() == null && !group.addresses().isEmpty()
						&& group.addresses().stream().allMatch(RpcAddress::isMsgpackRpc));
		}

		String description() {
			String groupsText = this.groups.stream().map(Group::toString).collect(Collectors.joining(" then "));
			boolean single = this.groups.size() == 1 && this.groups.get(0).serviceId() == null
					&& this.groups.get(0).addresses().size() == 1;
			return (single || this.balancing == LoadBalancing.ROUND_ROBIN) ? groupsText
					: groupsText + " (" + this.balancing.name().toLowerCase(Locale.ROOT).replace('_', '-') + ")";
		}

	}

	/**
	 * A server address that clients call.
	 *
	 * @param address the address
	 * @param names the target names that resolve to it
	 * @param clients the client interfaces that call it
	 * @param channel the channel to it
	 */
	public record Target(String address, List<String> names, List<String> clients, RpcChannel channel) {
	}

	/**
	 * A client proxy the factory created.
	 *
	 * @param targetName the name of its entry under {@code easyrpc.client.targets}, empty
	 * for a client with a URL and no target
	 * @param type the client interface
	 * @param proxy the proxy
	 * @param channel the channel it calls through
	 */
	public record Client(String targetName, Class<?> type, Object proxy, RpcChannel channel) {
	}

}
