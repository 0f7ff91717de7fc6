package io.easyrpc.transport;

import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.function.Supplier;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

import io.easyrpc.internal.transport.TlsGuard;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * TLS on TCP connections: puts Netty's {@link SslHandler} first in a connection's
 * pipeline and turns TLS failures into messages that say what went wrong.
 * <p>
 * A server takes its {@link SslContext} from a supplier for every new connection, so that
 * a context swapped at run time (a renewed certificate) applies to new connections while
 * existing ones keep the context they were made with. In front of the server's
 * {@link SslHandler} a small handler looks at the first bytes of the connection: a client
 * that speaks easyrpc without TLS is answered, in plain text, with a preface and a
 * {@code GOAWAY UNAVAILABLE} frame saying that the server requires TLS, so it fails with
 * a clear message instead of a closed connection.
 */
public final class Tls {

	/** Name of the {@link SslHandler} in a connection's pipeline. */
	public static final String HANDLER_NAME = "tls";

	/** Name of the handler that refuses plain-text clients on a TLS server. */
	public static final String GUARD_NAME = "tlsGuard";

	private Tls() {
	}

	/**
	 * Add the server side of TLS to a new connection's pipeline, before any other
	 * handler.
	 * @param channel the accepted channel
	 * @param context the server's current context
	 * @throws IllegalStateException if the context is missing or a client context
	 */
	public static void addServerHandlers(Channel channel, @Nullable SslContext context) {
		if (context == null || !context.isServer()) {
			throw new IllegalStateException("The easyrpc server's TLS context supplier gave "
					+ ((context == null) ? "no context" : "a client context") + "; a server context is needed");
		}
		ChannelPipeline pipeline = channel.pipeline();
		pipeline.addFirst(HANDLER_NAME, context.newHandler(channel.alloc()));
		pipeline.addFirst(GUARD_NAME, new TlsGuard());
	}

	/**
	 * Add the client side of TLS to a new connection's pipeline, before any other
	 * handler. The host name is sent as SNI and, unless the context turns it off, checked
	 * against the server's certificate.
	 * @param channel the channel being connected
	 * @param context the client's current context
	 * @param host the host name the server's certificate must match
	 * @param port the server's port
	 * @throws IllegalStateException if the context is missing or a server context
	 */
	public static void addClientHandler(Channel channel, @Nullable SslContext context, String host, int port) {
		if (context == null || !context.isClient()) {
			throw new IllegalStateException("The easyrpc client's TLS context supplier gave "
					+ ((context == null) ? "no context" : "a server context") + "; a client context is needed");
		}
		channel.pipeline().addFirst(HANDLER_NAME, context.newHandler(channel.alloc(), host, port));
	}

	/**
	 * Create a client context that trusts the JDK's default certificate authorities and
	 * checks the server's host name, for {@code wss://} addresses configured without a
	 * context of their own.
	 * @return the context
	 * @throws IllegalStateException if the JDK's TLS support cannot create one
	 */
	public static SslContext defaultClientContext() {
		try {
			return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException(
					"Cannot create a TLS client context with the JDK's default trust: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Return a supplier that always gives the same context.
	 * @param context the context
	 * @return the supplier
	 */
	public static Supplier<SslContext> fixed(SslContext context) {
		Objects.requireNonNull(context, "context must not be null");
		return () -> context;
	}

	/**
	 * Return the TLS session of a connection, once its handshake is done.
	 * @param channel the channel
	 * @return the session, or {@code null} without TLS or before the handshake is done
	 */
	public static @Nullable SSLSession session(@Nullable Channel channel) {
		SslHandler handler = (channel != null) ? channel.pipeline().get(SslHandler.class) : null;
		if (handler == null || !handler.handshakeFuture().isSuccess()) {
			return null;
		}
		return handler.engine().getSession();
	}

	/**
	 * Return whether a connection uses TLS.
	 * @param channel the channel
	 * @return {@code true} if its pipeline has an {@link SslHandler}
	 */
	public static boolean isTls(@Nullable Channel channel) {
		return channel != null && channel.pipeline().get(SslHandler.class) != null;
	}

	/**
	 * Return whether a failure comes from TLS: a failed handshake, a peer that does not
	 * speak TLS, or a broken TLS record.
	 * @param failure the failure, possibly wrapped in a {@link DecoderException}
	 * @return {@code true} for TLS failures
	 */
	public static boolean isTlsFailure(Throwable failure) {
		return unwrap(failure) instanceof javax.net.ssl.SSLException;
	}

	/**
	 * Describe a TLS failure in a sentence for a log line or an error message, without
	 * the hex dumps and internal detail some exceptions carry.
	 * @param failure the failure
	 * @return the description
	 */
	public static String describe(Throwable failure) {
		Throwable error = unwrap(failure);
		if (error instanceof NotSslRecordException) {
			return "the peer does not speak TLS (not a TLS peer)";
		}
		if (error instanceof SslHandshakeTimeoutException) {
			return error.getMessage();
		}
		if (error instanceof ClosedChannelException) {
			return "the connection closed during the handshake";
		}
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		if (message == null || message.isBlank()) {
			message = error.getMessage();
		}
		return (message != null && !message.isBlank()) ? message : error.getClass().getSimpleName();
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable error = failure;
		while (error instanceof DecoderException && error.getCause() != null) {
			error = error.getCause();
		}
		return error;
	}

}
