package io.easyrpc.it;

import java.util.function.Consumer;

import io.easyrpc.server.RpcServer;
import io.easyrpc.internal.transport.StreamFraming;
import io.easyrpc.internal.transport.WebSocketFraming;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;

/**
 * Turns an {@link RpcServer}'s TCP port into a WebSocket endpoint for tests: every
 * accepted connection gets the server side of {@link WebSocketFraming} in place of the
 * frame decoder, in front of the server's own connection handler (and behind its TLS
 * handler, if any). The server then speaks the WebSocket wire format only.
 */
final class WebSocketServers {

	private WebSocketServers() {
	}

	/**
	 * Return a server customizer that serves WebSocket at a path.
	 * @param path the endpoint's path
	 * @param maxFrameSize the server's maximum frame size
	 * @return the customizer
	 */
	static Consumer<RpcServer.Builder> webSocket(String path, int maxFrameSize) {
		return webSocket(path, maxFrameSize, (pipeline) -> {
		});
	}

	/**
	 * Return a server customizer that serves WebSocket at a path, and lets a test add
	 * handlers of its own to each connection's pipeline.
	 * @param path the endpoint's path
	 * @param maxFrameSize the server's maximum frame size
	 * @param pipelines called with each connection's pipeline once it is set up
	 * @return the customizer
	 */
	static Consumer<RpcServer.Builder> webSocket(String path, int maxFrameSize, Consumer<ChannelPipeline> pipelines) {
		return (builder) -> builder.maxFrameSize(maxFrameSize).bootstrapCustomizer((bootstrap) -> {
			ChannelHandler tcp = bootstrap.config().childHandler();
			bootstrap.childHandler(new ChannelInitializer<>() {

				@Override
				protected void initChannel(Channel channel) {
					ChannelPipeline pipeline = channel.pipeline();
					// The server's initializer runs at once: the channel is registered.
					pipeline.addLast(tcp);
					StreamFraming.removeHandlers(pipeline);
					String next = (pipeline.get("idle") != null) ? "idle" : "easyrpc";
					WebSocketFraming.addServerHandlers(pipeline, next, path, maxFrameSize, 10_000);
					pipelines.accept(pipeline);
				}

			});
		});
	}

}
