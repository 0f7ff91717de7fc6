package io.easyrpc.transport;

import java.util.Objects;
import java.util.function.Supplier;

import io.easyrpc.internal.protocol.SharedSecret;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;

/**
 * The connection setters that {@code RpcServer.Builder} and {@code RpcChannel.Builder}
 * share: event loops, I/O threads, the Netty I/O transport, the largest frame, TLS, the
 * buffer allocator and the shared secret of the connection handshake. The transport
 * settings collect into one {@link TransportOptions}; setting the options at once with
 * {@link #transportOptions(TransportOptions)} and then single values works as expected,
 * the later call wins.
 *
 * @param <B> the concrete builder
 */
public abstract class TransportBuilder<B extends TransportBuilder<B>> {

	private final boolean server;

	private TransportOptions.Builder transport = TransportOptions.builder();

	private @Nullable SharedSecret sharedSecret;

	/**
	 * Create a builder for one side.
	 * @param server whether the builder builds a server, which needs a server TLS
	 * context; a client needs a client context
	 */
	protected TransportBuilder(boolean server) {
		this.server = server;
	}

	@SuppressWarnings("unchecked")
	private B self() {
		return (B) this;
	}

	/**
	 * Take all transport settings at once, for example the same options for a server and
	 * the clients of one process. Replaces what the setters of this class set before;
	 * setters called after it override single values.
	 * @param options the options; a fixed TLS context must fit this side
	 * @return this builder
	 */
	public B transportOptions(TransportOptions options) {
		Objects.requireNonNull(options, "options must not be null");
		if (options.sslContext() != null) {
			checkSide(options.sslContext());
		}
		this.transport = options.toBuilder();
		return self();
	}

	/**
	 * Share event loops with other servers and clients. By default each owns its own.
	 * @param resources the transport resources, not closed by the server or channel
	 * @return this builder
	 */
	public B transportResources(@Nullable TransportResources resources) {
		this.transport.transportResources(resources);
		return self();
	}

	/**
	 * Set the number of I/O threads of the event loops the server or channel owns.
	 * Default {@code 0}: one per available processor for a server, one for a channel.
	 * @param ioThreads the number of I/O threads, not negative
	 * @return this builder
	 */
	public B ioThreads(int ioThreads) {
		this.transport.ioThreads(ioThreads);
		return self();
	}

	/**
	 * Set the Netty transport of the event loops the server or channel owns. Default
	 * {@link IoTransport#AUTO}, which is Java NIO for now; a native transport needs its
	 * jar on the class path. Ignored with {@link #transportResources(TransportResources)
	 * shared resources}, which have their own.
	 * @param transport the transport
	 * @return this builder
	 */
	public B transport(@Nullable IoTransport transport) {
		this.transport.ioTransport(transport);
		return self();
	}

	/**
	 * Set the largest frame accepted from the peer, in bytes. Default 8 MiB.
	 * @param maxFrameSize the maximum frame size, at least 64 bytes
	 * @return this builder
	 */
	public B maxFrameSize(int maxFrameSize) {
		this.transport.maxFrameSize(maxFrameSize);
		return self();
	}

	/**
	 * Allocate the buffers of every connection from this allocator instead of the
	 * engine's pooled ones, for example to track buffers in tests.
	 * @param allocator the allocator
	 * @return this builder
	 */
	public B allocator(ByteBufAllocator allocator) {
		this.transport.allocator(allocator);
		return self();
	}

	/**
	 * Use TLS with a fixed context: for a server from
	 * {@code SslContextBuilder.forServer(keyManagerFactory).build()}, whose client
	 * authentication setting decides about mutual TLS; for a client from
	 * {@code SslContextBuilder.forClient().trustManager(...).build()}. In-process
	 * addresses never use TLS; a client refuses TLS for a {@code ws://} address, which is
	 * plain text by its scheme.
	 * @param sslContext a server context for a server, a client context for a client
	 * @return this builder
	 */
	public B sslContext(SslContext sslContext) {
		Objects.requireNonNull(sslContext, "sslContext must not be null");
		checkSide(sslContext);
		this.transport.sslContext(sslContext);
		return self();
	}

	/**
	 * Use TLS with the context the supplier gives for each new connection, so that a
	 * context replaced at run time (a renewed certificate or trust store) applies to new
	 * connections while existing ones keep theirs.
	 * @param sslContexts the supplier of the current context, called on an I/O thread for
	 * every new connection: it must be fast and must not block
	 * @return this builder
	 */
	public B sslContextSupplier(Supplier<? extends SslContext> sslContexts) {
		this.transport.sslContextSupplier(sslContexts);
		return self();
	}

	/**
	 * Authenticate connections with a shared secret. A server with a secret sends each
	 * client a challenge with a fresh nonce right after its preface; the client answers
	 * with an HMAC-SHA256 over both sides' nonces keyed with the secret, which never
	 * crosses the wire. A server refuses a client that answers wrongly, calls before
	 * answering or does not answer in time with {@code GOAWAY UNAUTHENTICATED}, and none
	 * of its calls runs. A client with a secret refuses a server that does not ask for it
	 * ({@code UNAUTHENTICATED}), so that a server started without its secret is noticed
	 * rather than trusted.
	 * @param secret the secret, at least one byte; the array is copied; {@code null} for
	 * none
	 * @return this builder
	 */
	public B sharedSecret(byte @Nullable [] secret) {
		this.sharedSecret = (secret != null) ? SharedSecret.of(secret) : null;
		return self();
	}

	/**
	 * Authenticate connections with a shared secret given as text, whose UTF-8 bytes are
	 * the key. See {@link #sharedSecret(byte[])}.
	 * @param secret the secret, not blank; {@code null} for none
	 * @return this builder
	 */
	public B sharedSecret(@Nullable String secret) {
		this.sharedSecret = (secret != null) ? SharedSecret.of(secret) : null;
		return self();
	}

	/**
	 * Return the shared secret set on this builder.
	 * @return the secret, or {@code null} for none
	 */
	protected final @Nullable SharedSecret sharedSecretSetting() {
		return this.sharedSecret;
	}

	/**
	 * Return the transport settings collected so far, for the server or channel being
	 * built.
	 * @return the settings
	 */
	protected final TransportOptions transportSettings() {
		return this.transport.build();
	}

	private void checkSide(SslContext sslContext) {
		if (this.server && !sslContext.isServer()) {
			throw new IllegalArgumentException("An easyrpc server needs a server TLS context "
					+ "(SslContextBuilder.forServer(...)), not a client context");
		}
		if (!this.server && !sslContext.isClient()) {
			throw new IllegalArgumentException(
					"An easyrpc client needs a client TLS context (SslContextBuilder.forClient()), not a server context");
		}
	}

}
