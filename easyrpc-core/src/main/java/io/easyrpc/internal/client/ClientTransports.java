package io.easyrpc.internal.client;

import java.util.List;
import java.util.function.Supplier;

import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.internal.mprpc.MsgpackStreamDecoder;
import io.easyrpc.transport.RpcAddress;
import io.easyrpc.transport.Tls;
import io.easyrpc.transport.TransportResources;
import io.easyrpc.internal.transport.StreamFraming;
import io.easyrpc.internal.transport.WebSocketFraming;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;

/**
 * Makes the connections to one address, with the Netty pipeline its scheme needs: TLS for
 * TCP with a context and for {@code wss://}, the WebSocket upgrade and framing for
 * {@code ws://} and {@code wss://}, the MessagePack-RPC stream decoder and
 * {@link MsgpackRpcClientAdapter} for {@code msgpack-rpc://} and
 * {@code msgpack-rpc+unix:}, the length-prefixed frame decoder otherwise, and the
 * {@link ClientConnection} last (which puts its {@link ClientHandshake} in front of
 * itself until the connection is ready). In-process addresses never use TLS;
 * MessagePack-RPC addresses do not support it.
 */
public final class ClientTransports implements Subchannel.Connector {

	private final RpcAddress address;

	private final TransportResources resources;

	private final int maxFrameSize;

	private final int connectTimeoutMillis;

	private final List<TransportResources.BootstrapCustomizer<Bootstrap>> customizers;

	private final Supplier<? extends SslContext> sslContexts;

	private final String sslServerName;

	private final MsgpackRpcNotifications notificationListener;

	private final ObjectCodec codec;

	/**
	 * Create the transports of one address.
	 * @param address the address
	 * @param resources the event loops
	 * @param maxFrameSize the largest frame accepted from the server
	 * @param connectTimeoutMillis the connect timeout, also bounding a WebSocket upgrade
	 * @param customizers customizers of the bootstrap
	 * @param sslContexts the configured TLS contexts, or {@code null}
	 * @param sslServerName the name checked against the server's certificate, or
	 * {@code null} for the host of the address
	 */
	public ClientTransports(RpcAddress address, TransportResources resources, int maxFrameSize,
			int connectTimeoutMillis, List<TransportResources.BootstrapCustomizer<Bootstrap>> customizers,
			Supplier<? extends SslContext> sslContexts, String sslServerName) {
		this(address, resources, maxFrameSize, connectTimeoutMillis, customizers, sslContexts, sslServerName, null,
				null);
	}

	/**
	 * Create the transports of one address, with what a MessagePack-RPC address needs.
	 * @param address the address
	 * @param resources the event loops
	 * @param maxFrameSize the largest frame (or MessagePack-RPC message) accepted from
	 * the server
	 * @param connectTimeoutMillis the connect timeout, also bounding a WebSocket upgrade
	 * @param customizers customizers of the bootstrap
	 * @param sslContexts the configured TLS contexts, or {@code null}
	 * @param sslServerName the name checked against the server's certificate, or
	 * {@code null} for the host of the address
	 * @param notificationListener receives the notifications of a MessagePack-RPC server,
	 * or {@code null}
	 * @param codec decodes the params of those notifications; {@code null} for the
	 * default codec
	 */
	public ClientTransports(RpcAddress address, TransportResources resources, int maxFrameSize,
			int connectTimeoutMillis, List<TransportResources.BootstrapCustomizer<Bootstrap>> customizers,
			Supplier<? extends SslContext> sslContexts, String sslServerName,
			MsgpackRpcNotifications notificationListener, ObjectCodec codec) {
		this.notificationListener = notificationListener;
		this.codec = (codec != null || !address.isMsgpackRpc()) ? codec : ObjectCodec.createDefault();
		this.address = address;
		this.resources = resources;
		this.maxFrameSize = maxFrameSize;
		this.connectTimeoutMillis = connectTimeoutMillis;
		this.customizers = List.copyOf(customizers);
		this.sslContexts = sslContexts(address, sslContexts);
		// A socket file has no host name: its server's certificate is checked against
		// localhost unless a name is given.
		this.sslServerName = (sslServerName != null) ? sslServerName
				: address.isUnixSocket() ? "localhost" : address.host();
	}

	// In-process addresses never use TLS; ws:// is plain text by its scheme, wss://
	// always uses TLS, with the JDK's default trust when no context is given.
	private static Supplier<? extends SslContext> sslContexts(RpcAddress address,
			Supplier<? extends SslContext> configured) {
		if (address.isInProcess()) {
			return null;
		}
		if (address.isMsgpackRpc()) {
			if (configured != null) {
				throw new IllegalArgumentException("A TLS context is configured for " + address
						+ ", but TLS is not supported for MessagePack-RPC addresses (msgpack-rpc:// and "
						+ "msgpack-rpc+unix:): remove the TLS settings of this target");
			}
			return null;
		}
		if (address.isWebSocket() && !address.isSecureWebSocket()) {
			if (configured != null) {
				throw new IllegalArgumentException("A TLS context is configured for " + address
						+ ", which is a plain-text WebSocket address: use wss:// for WebSocket over TLS");
			}
			return null;
		}
		if (address.isSecureWebSocket() && configured == null) {
			return Tls.fixed(Tls.defaultClientContext());
		}
		return configured;
	}

	/**
	 * Return whether connections use TLS.
	 * @return {@code true} for TCP addresses with a TLS context and for {@code wss://}
	 * addresses
	 */
	public boolean isTls() {
		return this.sslContexts != null;
	}

	@Override
	public ChannelFuture connect(ClientConnection handler) {
		ChannelInitializer<Channel> initializer = new ChannelInitializer<>() {

			@Override
			protected void initChannel(Channel channel) {
				if (ClientTransports.this.sslContexts != null) {
					// Each connection takes the context current when it is made.
					Tls.addClientHandler(channel, ClientTransports.this.sslContexts.get(),
							ClientTransports.this.sslServerName, ClientTransports.this.address.port());
				}
				if (ClientTransports.this.address.isWebSocket()) {
					WebSocketFraming framing = WebSocketFraming.addClientHandlers(channel.pipeline(),
							ClientTransports.this.address.toUri(), ClientTransports.this.maxFrameSize,
							Math.max(1, ClientTransports.this.connectTimeoutMillis));
					// A failed upgrade is a failed connection attempt, like a refused
					// connect.
					framing.handshakeFuture().addListener((upgrade) -> {
						if (!upgrade.isSuccess()) {
							handler.connectFailed(upgrade.cause());
						}
					});
				}
				else if (ClientTransports.this.address.isMsgpackRpc()) {
					channel.pipeline()
						.addLast("msgpackRpcDecoder", new MsgpackStreamDecoder(ClientTransports.this.maxFrameSize));
					channel.pipeline()
						.addLast("msgpackRpcAdapter",
								new MsgpackRpcClientAdapter(ClientTransports.this.address,
										ClientTransports.this.maxFrameSize, ClientTransports.this.notificationListener,
										ClientTransports.this.codec));
				}
				else {
					StreamFraming.addHandlers(channel.pipeline(), ClientTransports.this.maxFrameSize);
				}
				channel.pipeline().addLast("easyrpc", handler);
			}

		};
		return this.resources.connect(this.address, initializer, this.connectTimeoutMillis,
				(bootstrap) -> this.customizers.forEach((customizer) -> customizer.customize(bootstrap)));
	}

}
