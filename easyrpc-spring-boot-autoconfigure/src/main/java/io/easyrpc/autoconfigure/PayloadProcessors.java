package io.easyrpc.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.easyrpc.middleware.PayloadCompression;
import io.easyrpc.middleware.PayloadEncryption;
import io.easyrpc.middleware.RpcProcessor;

/**
 * The built-in payload processors of one side, server or clients, as switched on by
 * {@code easyrpc.server.compression.*} and {@code easyrpc.server.crypto.*} (or the same
 * under {@code easyrpc.client}).
 * <p>
 * One application context may be server and client at once, and every
 * {@link RpcProcessor} bean goes to both sides. The built-ins of one side must not reach
 * the other, so they are not {@code RpcProcessor} beans: each side has one bean of this
 * type ({@value EasyRpcServerAutoConfiguration#PAYLOAD_PROCESSORS_BEAN_NAME} and
 * {@value EasyRpcClientAutoConfiguration#PAYLOAD_PROCESSORS_BEAN_NAME}), and its
 * processors come after the application's: compression, then encryption. Outgoing
 * payloads are thus compressed before they are encrypted, and incoming ones decrypted
 * before they are inflated.
 */
public final class PayloadProcessors implements AutoCloseable {

	private final PayloadCompression compression;

	private final PayloadEncryption encryption;

	/**
	 * Create the built-ins of one side.
	 * @param compression the compression, or {@code null} when it is off
	 * @param encryption the encryption, or {@code null} when it is off
	 */
	public PayloadProcessors(PayloadCompression compression, PayloadEncryption encryption) {
		this.compression = compression;
		this.encryption = encryption;
	}

	/**
	 * Return the payload compression of this side.
	 * @return the compression, or {@code null} when it is off
	 */
	public PayloadCompression compression() {
		return this.compression;
	}

	/**
	 * Return the payload encryption of this side.
	 * @return the encryption, or {@code null} when it is off
	 */
	public PayloadEncryption encryption() {
		return this.encryption;
	}

	/**
	 * Return the built-ins that are on, in the order they apply to outgoing payloads:
	 * compression, then encryption. They come after the application's processors.
	 * @return the processors, possibly none
	 */
	public List<RpcProcessor> processors() {
		List<RpcProcessor> processors = new ArrayList<>(2);
		if (this.compression != null) {
			processors.add(this.compression);
		}
		if (this.encryption != null) {
			processors.add(this.encryption);
		}
		return List.copyOf(processors);
	}

	/**
	 * Release the native memory held by the compression's pooled deflaters and inflaters.
	 */
	@Override
	public void close() {
		if (this.compression != null) {
			this.compression.close();
		}
	}

}
