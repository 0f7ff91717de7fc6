package io.easyrpc.autoconfigure;

import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;

import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.unit.DataSize;

/**
 * Copies {@code easyrpc.server.*} onto the server builder; the first customizer the
 * auto-configured server applies. Values were checked when the properties were bound.
 */
final class ServerPropertiesCustomizer implements RpcServerBuilderCustomizer {

	private final EasyRpcServerProperties properties;

	private final SslBundles sslBundles;

	ServerPropertiesCustomizer(EasyRpcServerProperties properties, SslBundles sslBundles) {
		this.properties = properties;
		this.sslBundles = sslBundles;
	}

	@Override
	public void customize(RpcServer.Builder builder) {
		EasyRpcServerProperties properties = this.properties;
		PropertyMapper map = PropertyMapper.get();
		map.from(properties::getPort)
			.when((port) -> port >= 0)
			.as((port) -> RpcAddress.tcp(properties.getHost(), port))
			.to(builder::address);
		map.from(properties::getUnixSocket).whenHasText().as(RpcAddress::unix).to(builder::address);
		map.from(properties::getInProcessName).whenHasText().as(RpcAddress::inProcess).to(builder::address);
		map.from(properties::getIoThreads).to(builder::ioThreads);
		map.from(properties::getMaxFrameSize).asInt(DataSize::toBytes).to(builder::maxFrameSize);
		map.from(properties::getIdleTimeout).to(builder::idleTimeout);
		map.from(properties::getFrameTimeout).to(builder::frameTimeout);
		map.from(properties::getMaxInboundMemory).as(DataSize::toBytes).to(builder::maxInboundMemory);
		map.from(properties::getMaxOutboundPerConnection).as(DataSize::toBytes).to(builder::maxOutboundPerConnection);
		map.from(properties::getMaxSessionsPerConnection).to(builder::maxSessionsPerConnection);
		map.from(properties::getStreamWindow).to(builder::streamWindow);
		map.from(properties::isExposeStackTraces).to(builder::exposeStackTraces);
		EasyRpcServerProperties.Dedup dedup = properties.getDedup();
		builder.dedupTtl(dedup.isEnabled() ? dedup.getTtl() : null);
		map.from(dedup::getMaxEntries).to(builder::dedupMaxEntries);
		map.from(dedup::getMaxBytes).as(DataSize::toBytes).to(builder::dedupMaxBytes);
		map.from(properties.getLimit()::toConcurrencyLimit).to(builder::concurrencyLimit);
		map.from(properties.getAuth()::getTimeout).to(builder::authTimeout);
		map.from(properties.getAuth()::getSharedSecret).to(builder::sharedSecret);
		map.from(properties.getMsgpackRpc()::getEnabled).to(builder::msgpackRpc);
		EasyRpcServerProperties.Ssl ssl = properties.getSsl();
		map.from(ssl::getBundle)
			.whenHasText()
			.as((bundle) -> SslBundleContexts.server(this.sslBundles, bundle, "easyrpc.server.ssl.bundle",
					ssl.getClientAuth()))
			.to(builder::sslContextSupplier);
	}

}
