package io.easyrpc.internal.transport;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.ProtocolException;
import io.easyrpc.transport.Tls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.PromiseNotifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries easyrpc frames over a WebSocket connection: one frame body per binary WebSocket
 * message, without the length prefix that TCP needs, after a first message that holds the
 * 10-byte {@link Preface}.
 * <p>
 * The handler sits between Netty's WebSocket handlers and a {@link FrameConnection},
 * where {@link StreamFraming} sits on TCP, and makes the WebSocket connection look like a
 * TCP one to it:
 * <ul>
 * <li>inbound, the first binary message becomes a {@link Preface} and every later one a
 * heap {@link ByteBuf} frame body, exactly what {@link StreamFraming} hands on. A text
 * message, a first message that is not a preface, and a message larger than the maximum
 * frame size are protocol errors;</li>
 * <li>outbound, the preface and the frame bodies a {@link FrameConnection} writes go out
 * as one binary message each. An empty buffer, as
 * {@link FrameConnection#closeAfterFlush()} writes, sends nothing: its promise completes
 * once the frames written before it have gone out;</li>
 * <li>{@code channelActive} reaches the connection only once the WebSocket handshake is
 * done, so that its preface follows the upgrade; writes made before are held until then.
 * A TLS handshake that completes before the upgrade is reported to the connection right
 * after {@code channelActive}.</li>
 * </ul>
 * <p>
 * It works on both sides. {@link #addClientHandlers} builds a client pipeline that
 * upgrades to WebSocket at a URI; a failed upgrade (an HTTP error status, a peer that
 * does not speak HTTP, a timeout) fails {@link #handshakeFuture()} with a message that
 * names the URI and the HTTP status, and closes the connection.
 * {@link #addServerHandlers} builds the server side for a path on a plain Netty server: a
 * request for any other path is answered with {@code 404 Not Found}. On close, Netty's
 * WebSocket protocol handler sends a close frame once the connection is upgraded.
 */
public final class WebSocketFraming extends ChannelDuplexHandler {

	/** Name of this handler in a connection's pipeline. */
	public static final String HANDLER_NAME = "webSocketFraming";

	// Large enough for an upgrade request or response with ordinary headers.
	private static final int MAX_HTTP_MESSAGE_SIZE = 16 * 1024;

	private static final Logger logger = LoggerFactory.getLogger(WebSocketFraming.class);

	private final boolean client;

	private final String description;

	private final int maxFrameSize;

	private final long handshakeTimeoutMillis;

	private ChannelPromise handshake;

	private boolean upgraded;

	private boolean prefaceReceived;

	private boolean failed;

	// Writes held until the WebSocket handshake is done.
	private final Queue<PendingWrite> held = new ArrayDeque<>();

	// User events held until channelActive has been passed on.
	private final List<Object> heldEvents = new ArrayList<>(1);

	private ChannelFuture lastWrite;

	// What the server answered the upgrade request with, when it was not HTTP.
	private String notHttp;

	private WebSocketFraming(boolean client, String description, int maxFrameSize, long handshakeTimeoutMillis) {
		this.client = client;
		this.description = description;
		this.maxFrameSize = maxFrameSize;
		this.handshakeTimeoutMillis = handshakeTimeoutMillis;
	}

	// The handler alone, without Netty's WebSocket handlers in front of it.
	static WebSocketFraming create(boolean client, String description, int maxFrameSize, long handshakeTimeoutMillis) {
		return new WebSocketFraming(client, description, maxFrameSize, handshakeTimeoutMillis);
	}

	/**
	 * Add the client side of a WebSocket connection to a pipeline: Netty's HTTP client
	 * codec, its WebSocket client protocol handler (version 13, no {@code Origin} header,
	 * as a client that is not a browser) and message aggregator, then the framing
	 * handler. A frame handler such as a {@link FrameConnection} goes after them; for
	 * {@code wss} the TLS handler goes before them ({@link Tls#addClientHandler}).
	 * @param pipeline the pipeline of a channel being connected
	 * @param uri the WebSocket URI, for example {@code ws://localhost:8080/easyrpc}
	 * @param maxFrameSize the largest frame body this side accepts, in bytes
	 * @param handshakeTimeoutMillis how long the upgrade may take, counted from the
	 * moment the TCP connection is up
	 * @return the framing handler, whose {@link #handshakeFuture()} reports the upgrade
	 */
	public static WebSocketFraming addClientHandlers(ChannelPipeline pipeline, URI uri, int maxFrameSize,
			long handshakeTimeoutMillis) {
		int maxMessage = Math.max(maxFrameSize, Preface.LENGTH);
		WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
			.webSocketUri(uri)
			.version(WebSocketVersion.V13)
			.maxFramePayloadLength(maxMessage)
			.generateOriginHeader(false)
			.allowExtensions(false)
			.handshakeTimeoutMillis(Math.max(1, handshakeTimeoutMillis))
			.dropPongFrames(true)
			.handleCloseFrames(true)
			.sendCloseFrame(WebSocketCloseStatus.NORMAL_CLOSURE)
			.build();
		WebSocketFraming framing = new WebSocketFraming(true, uri.toString(), maxFrameSize, handshakeTimeoutMillis);
		pipeline.addLast("webSocketAnswer", framing.new FirstBytes());
		pipeline.addLast("httpCodec", new HttpClientCodec());
		pipeline.addLast("httpAggregator", new HttpObjectAggregator(MAX_HTTP_MESSAGE_SIZE));
		pipeline.addLast("webSocket", new WebSocketClientProtocolHandler(config));
		pipeline.addLast("webSocketAggregator", new WebSocketFrameAggregator(maxMessage));
		pipeline.addLast(HANDLER_NAME, framing);
		return framing;
	}

	/**
	 * Add the server side of a WebSocket endpoint to a pipeline: Netty's HTTP server
	 * codec, its WebSocket server protocol handler for one path and message aggregator,
	 * then the framing handler. A frame handler such as a {@link FrameConnection} goes
	 * after them; with TLS, the TLS handler goes before them. The origin of the upgrade
	 * request is not checked.
	 * @param pipeline the pipeline of an accepted channel
	 * @param before the name of the handler to add them in front of, or {@code null} to
	 * add them at the end
	 * @param path the path of the endpoint, for example {@code /easyrpc}
	 * @param maxFrameSize the largest frame body this side accepts, in bytes
	 * @param handshakeTimeoutMillis how long the client may take to send its upgrade
	 * request
	 * @return the framing handler, whose {@link #handshakeFuture()} reports the upgrade
	 */
	public static WebSocketFraming addServerHandlers(ChannelPipeline pipeline, String before, String path,
			int maxFrameSize, long handshakeTimeoutMillis) {
		int maxMessage = Math.max(maxFrameSize, Preface.LENGTH);
		WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
			.websocketPath(path)
			.checkStartsWith(false)
			.maxFramePayloadLength(maxMessage)
			.allowExtensions(false)
			.handshakeTimeoutMillis(Math.max(1, handshakeTimeoutMillis))
			.dropPongFrames(true)
			.handleCloseFrames(true)
			.sendCloseFrame(WebSocketCloseStatus.NORMAL_CLOSURE)
			.build();
		WebSocketFraming framing = new WebSocketFraming(false, "WebSocket endpoint " + path, maxFrameSize,
				handshakeTimeoutMillis);
		add(pipeline, before, "httpCodec", new HttpServerCodec());
		add(pipeline, before, "httpAggregator", new HttpObjectAggregator(MAX_HTTP_MESSAGE_SIZE));
		add(pipeline, before, "webSocket", new WebSocketServerProtocolHandler(config));
		add(pipeline, before, "webSocketAggregator", new WebSocketFrameAggregator(maxMessage));
		add(pipeline, before, HANDLER_NAME, framing);
		return framing;
	}

	private static void add(ChannelPipeline pipeline, String before, String name, ChannelHandler handler) {
		if (before != null) {
			pipeline.addBefore(before, name, handler);
		}
		else {
			pipeline.addLast(name, handler);
		}
	}

	/**
	 * Return the future of the WebSocket handshake: it succeeds once the connection is
	 * upgraded and fails, with a message that says why, if the upgrade fails or the
	 * connection closes first.
	 * @return the handshake future
	 * @throws IllegalStateException before the handler is added to a pipeline
	 */
	public ChannelFuture handshakeFuture() {
		if (this.handshake == null) {
			throw new IllegalStateException("The WebSocket framing handler is not in a pipeline yet");
		}
		return this.handshake;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.handshake = ctx.newPromise();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		releaseHeld(new IOException("The WebSocket framing handler was removed"));
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		// Passed on once the WebSocket handshake is done.
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
		if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE
				|| evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
			upgraded(ctx);
			return;
		}
		if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
			boolean tlsPending = Tls.isTls(ctx.channel()) && Tls.session(ctx.channel()) == null;
			handshakeFailed(ctx,
					tlsPending
							? "TLS handshake with " + this.description + " not done within "
									+ this.handshakeTimeoutMillis + " ms; does the server use TLS?"
							: "WebSocket handshake with " + this.description + " not done within "
									+ this.handshakeTimeoutMillis + " ms");
			return;
		}
		if (evt instanceof SslHandshakeCompletionEvent tls && tls.isSuccess() && !this.upgraded) {
			// The connection learns of TLS after channelActive, as it does on TCP.
			this.heldEvents.add(evt);
			return;
		}
		ctx.fireUserEventTriggered(evt);
	}

	private void upgraded(ChannelHandlerContext ctx) {
		if (this.upgraded) {
			return;
		}
		this.upgraded = true;
		this.handshake.trySuccess();
		PendingWrite write;
		while ((write = this.held.poll()) != null) {
			encode(ctx, write.message, write.promise);
		}
		ctx.fireChannelActive();
		for (Object event : this.heldEvents) {
			ctx.fireUserEventTriggered(event);
		}
		this.heldEvents.clear();
		ctx.flush();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.failed) {
			ReferenceCountUtil.release(msg);
			return;
		}
		if (msg instanceof BinaryWebSocketFrame binary) {
			try {
				binaryMessage(ctx, binary.content());
			}
			finally {
				binary.release();
			}
			return;
		}
		if (msg instanceof TextWebSocketFrame text) {
			text.release();
			fail(ctx, new ProtocolException(RpcStatus.INVALID_ARGUMENT,
					"Received a text WebSocket message; easyrpc sends every frame as a binary message"));
			return;
		}
		if (msg instanceof FullHttpRequest request && !this.client) {
			// A request that the WebSocket handler did not take: another path.
			try {
				notFound(ctx, request.uri());
			}
			finally {
				request.release();
			}
			return;
		}
		// Close, ping and pong frames are handled by Netty's WebSocket handler.
		ReferenceCountUtil.release(msg);
		if (!(msg instanceof WebSocketFrame)) {
			logger.debug("Ignoring unexpected {} on {}", msg.getClass().getSimpleName(), this.description);
		}
	}

	private void binaryMessage(ChannelHandlerContext ctx, ByteBuf content) {
		int length = content.readableBytes();
		if (!this.prefaceReceived) {
			if (length < Preface.LENGTH) {
				fail(ctx,
						new ProtocolException(RpcStatus.INVALID_ARGUMENT,
								"Not an easyrpc connection: the first WebSocket message has " + length
										+ " bytes, and the easyrpc preface is a message of " + Preface.LENGTH
										+ " bytes"));
				return;
			}
			Preface preface;
			try {
				preface = Preface.readFrom(content);
			}
			catch (ProtocolException ex) {
				fail(ctx, ex);
				return;
			}
			if (length != Preface.LENGTH) {
				fail(ctx, new ProtocolException(RpcStatus.INVALID_ARGUMENT, "The first WebSocket message has " + length
						+ " bytes; the easyrpc preface is a message of " + Preface.LENGTH + " bytes of its own"));
				return;
			}
			this.prefaceReceived = true;
			ctx.fireChannelRead(preface);
			return;
		}
		if (length > this.maxFrameSize) {
			fail(ctx, new ProtocolException(RpcStatus.RESOURCE_EXHAUSTED,
					"Frame of " + length + " bytes exceeds the maximum frame size of " + this.maxFrameSize + " bytes"));
			return;
		}
		ctx.fireChannelRead(heapBody(content, length));
	}

	// The same heap bytes as StreamFraming hands on: msgpack-core reads heap memory
	// only.
	private static ByteBuf heapBody(ByteBuf content, int length) {
		if (content.hasArray()) {
			return content.retainedSlice();
		}
		byte[] body = new byte[length];
		content.getBytes(content.readerIndex(), body);
		return Unpooled.wrappedBuffer(body);
	}

	// Reported like a StreamFraming error: the connection answers with a GOAWAY and
	// closes. Nothing the peer sends afterwards is passed on.
	private void fail(ChannelHandlerContext ctx, ProtocolException error) {
		this.failed = true;
		ctx.fireExceptionCaught(error);
	}

	private void notFound(ChannelHandlerContext ctx, String path) {
		ByteBuf body = Unpooled.copiedBuffer("No easyrpc WebSocket endpoint at " + path + "\n", StandardCharsets.UTF_8);
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
				body);
		response.headers()
			.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
			.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
			.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
		ChannelHandlerContext first = ctx.pipeline().firstContext();
		ctx.writeAndFlush(response).addListener((ChannelFutureListener) (future) -> first.close());
		this.handshake.tryFailure(new IOException("Request for " + path + ", which is not " + this.description));
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		Throwable error = (cause instanceof DecoderException && cause.getCause() != null
				&& !(cause instanceof CorruptedFrameException)) ? cause.getCause() : cause;
		if (!this.upgraded && !Tls.isTlsFailure(error)) {
			handshakeFailed(ctx, handshakeFailure(error));
			return;
		}
		if (!this.upgraded) {
			// TLS failures are reported by the connection, as on TCP, before the
			// handshake future says that the upgrade failed.
			ctx.fireExceptionCaught(cause);
			this.handshake.tryFailure(error);
			return;
		}
		if (error instanceof TooLongFrameException || (error instanceof CorruptedWebSocketFrameException corrupted
				&& corrupted.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG)) {
			this.failed = true;
			ctx.fireExceptionCaught(new ProtocolException(RpcStatus.RESOURCE_EXHAUSTED,
					"Refusing a WebSocket message larger than the maximum frame size of " + this.maxFrameSize
							+ " bytes (" + error.getMessage() + ")"));
			return;
		}
		if (error instanceof CorruptedFrameException) {
			this.failed = true;
			ctx.fireExceptionCaught(new ProtocolException(RpcStatus.INVALID_ARGUMENT,
					"Malformed WebSocket message: " + error.getMessage()));
			return;
		}
		ctx.fireExceptionCaught(cause);
	}

	private String handshakeFailure(Throwable error) {
		String prefix = "WebSocket handshake with " + this.description + " failed: ";
		if (error instanceof WebSocketClientHandshakeException handshakeError && handshakeError.response() != null) {
			HttpResponse response = handshakeError.response();
			if (response.decoderResult().isFailure()) {
				return prefix + ((this.notHttp != null) ? this.notHttp
						: "the server's answer is not valid HTTP (" + response.decoderResult().cause() + ")");
			}
			HttpResponseStatus status = response.status();
			String hint = switch (status.code()) {
				case 404 -> "; no WebSocket endpoint at this path";
				case 403 -> "; the server refused the upgrade (an origin check or missing authorization)";
				case 401 -> "; the server requires authentication for the upgrade";
				case 101 -> "";
				default -> (status.code() >= 200 && status.code() < 300) ? "; not a WebSocket endpoint" : "";
			};
			if (status.code() == 101) {
				return prefix + handshakeError.getMessage();
			}
			return prefix + "the server answered HTTP " + status.code() + " " + status.reasonPhrase() + hint;
		}
		if (error instanceof WebSocketHandshakeException) {
			return prefix + error.getMessage();
		}
		if (error instanceof TooLongFrameException) {
			return prefix + "the server's HTTP response is too large (" + error.getMessage() + ")";
		}
		String message = error.getMessage();
		return prefix + ((message != null && !message.isBlank()) ? message : error.getClass().getSimpleName());
	}

	private void handshakeFailed(ChannelHandlerContext ctx, String message) {
		this.failed = true;
		if (this.handshake.tryFailure(new IOException(message))) {
			logger.debug(message);
		}
		// Closed past Netty's WebSocket handler, which would try to send a close frame
		// on a connection that was never upgraded.
		ctx.pipeline().firstContext().close();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		if (!this.upgraded) {
			this.handshake.tryFailure(new IOException("WebSocket handshake with " + this.description + " failed: "
					+ ((this.notHttp != null) ? this.notHttp : "the connection closed before the upgrade was done")));
		}
		releaseHeld(new IOException("The connection closed before the WebSocket upgrade was done"));
		ctx.fireChannelInactive();
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (!(msg instanceof ByteBuf) && !(msg instanceof Preface)) {
			ctx.write(msg, promise);
			return;
		}
		if (!this.upgraded) {
			this.held.add(new PendingWrite(msg, promise));
			return;
		}
		encode(ctx, msg, promise);
	}

	@Override
	public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
		if (!this.upgraded) {
			// Nothing to close on the WebSocket level yet.
			ctx.pipeline().firstContext().close(promise);
			return;
		}
		ctx.close(promise);
	}

	// Sends what a FrameConnection writes, the preface and then frame bodies, as one
	// binary message each.
	private void encode(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		ByteBuf body;
		if (msg instanceof Preface preface) {
			body = ctx.alloc().heapBuffer(Preface.LENGTH);
			preface.writeTo(body);
		}
		else {
			body = (ByteBuf) msg;
			if (!body.isReadable()) {
				body.release();
				completeAfterLastWrite(promise);
				return;
			}
		}
		this.lastWrite = ctx.write(new BinaryWebSocketFrame(body));
		cascade(this.lastWrite, promise);
	}

	private void completeAfterLastWrite(ChannelPromise promise) {
		ChannelFuture last = this.lastWrite;
		if (last == null || last.isDone()) {
			promise.trySuccess();
		}
		else {
			last.addListener((Future<? super Void> done) -> promise.trySuccess());
		}
	}

	private static void cascade(ChannelFuture future, ChannelPromise promise) {
		if (!promise.isVoid()) {
			future.addListener(new PromiseNotifier<Void, ChannelFuture>(promise));
		}
	}

	private void releaseHeld(Throwable cause) {
		PendingWrite write;
		while ((write = this.held.poll()) != null) {
			ReferenceCountUtil.release(write.message);
			write.promise.tryFailure(cause);
		}
	}

	// Looks at the first bytes the server sends, in front of the HTTP codec, so that a
	// server that does not answer with HTTP is named as such; then steps aside.
	private final class FirstBytes extends ChannelInboundHandlerAdapter {

		private static final byte[] HTTP = "HTTP/".getBytes(StandardCharsets.US_ASCII);

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof ByteBuf in && in.isReadable()) {
				if (in.readableBytes() >= 4 && in.getInt(in.readerIndex()) == Preface.MAGIC) {
					WebSocketFraming.this.notHttp = "the server answered with an easyrpc preface: it is an easyrpc "
							+ "TCP port, reached with tcp://host:port, not a WebSocket endpoint";
				}
				else if (!startsWithHttp(in)) {
					WebSocketFraming.this.notHttp = "the server did not answer with HTTP; is it a WebSocket endpoint?";
				}
				ctx.pipeline().remove(this);
			}
			ctx.fireChannelRead(msg);
		}

		private static boolean startsWithHttp(ByteBuf in) {
			int length = Math.min(in.readableBytes(), HTTP.length);
			for (int i = 0; i < length; i++) {
				if (in.getByte(in.readerIndex() + i) != HTTP[i]) {
					return false;
				}
			}
			return true;
		}

	}

	private record PendingWrite(Object message, ChannelPromise promise) {
	}

}
