package io.easyrpc.middleware;

import io.easyrpc.RpcException;

/**
 * Transforms the payload of every request, notification and response: the encoded
 * arguments or result, not the frame around them nor its metadata. Both sides of a
 * connection must configure the same processors in the same order. Outgoing payloads pass
 * through the processors in order, incoming ones in reverse order.
 * <p>
 * A processor refuses a message by throwing an {@link RpcException}: an incoming request
 * is then answered with that status and an incoming response fails its call with it.
 * Error frames are not processed. Called on I/O and worker threads alike: must be
 * thread-safe and should not block.
 */
public interface RpcProcessor {

	/**
	 * Transform an outgoing payload.
	 * @param message what the payload belongs to
	 * @param payload the payload bytes; the processor may modify or keep them
	 * @return the bytes to send instead
	 * @throws RpcException to refuse the message
	 */
	byte[] outbound(MessageInfo message, byte[] payload);

	/**
	 * Transform an incoming payload back.
	 * @param message what the payload belongs to
	 * @param payload the bytes as received; the processor may modify or keep them
	 * @return the bytes the next processor, or the decoder, reads
	 * @throws RpcException to refuse the message
	 */
	byte[] inbound(MessageInfo message, byte[] payload);

}
