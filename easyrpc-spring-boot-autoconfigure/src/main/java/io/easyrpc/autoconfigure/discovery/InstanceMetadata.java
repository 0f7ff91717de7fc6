package io.easyrpc.autoconfigure.discovery;

/**
 * Keys of the registry metadata through which a server tells {@code discovery://} clients
 * where its RPC endpoint is, rather than its HTTP one.
 */
public final class InstanceMetadata {

	/** The RPC port of the instance. Instances without it are not called. */
	public static final String PORT = "easyrpc.port";

	/**
	 * The scheme of the RPC endpoint: {@code tcp} (the default), {@code ws} or
	 * {@code wss}.
	 */
	public static final String SCHEME = "easyrpc.scheme";

	/** The path of a WebSocket endpoint; {@code /easyrpc} when absent. */
	public static final String PATH = "easyrpc.path";

	private InstanceMetadata() {
	}

}
