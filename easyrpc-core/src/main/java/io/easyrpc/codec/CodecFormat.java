package io.easyrpc.codec;

/**
 * How the payload values of a connection (arguments, results, stream items) are encoded.
 * A client chooses one per target and announces it in its connection preface; the server
 * decodes that connection's payloads with it and answers in it. The frames around the
 * payloads are MessagePack either way.
 */
public enum CodecFormat {

	/** Each value is one MessagePack value: the default, compact and fastest. */
	MSGPACK,

	/**
	 * Each value is a MessagePack str holding the value's JSON text: readable in captures
	 * and logs, and decodable with nothing but a JSON library once the str is cut out.
	 */
	JSON

}
