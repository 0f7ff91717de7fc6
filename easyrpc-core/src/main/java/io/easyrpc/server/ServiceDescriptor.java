package io.easyrpc.server;

import java.util.List;

/**
 * Description of a served service, as returned by the built-in reflection method.
 *
 * @param name the service name, with its group prefix if it has one
 * @param methods the methods
 */
public record ServiceDescriptor(String name, List<MethodDescriptor> methods) {

	/**
	 * Description of a served method.
	 *
	 * @param key the method key
	 * @param name the Java method name
	 * @param parameters the parameters
	 * @param returnType the declared return type
	 * @param callStyle {@code blocking}, {@code future}, {@code mono} or {@code one-way}
	 * for unary calls; {@code flux}, {@code publisher}, {@code stream} or
	 * {@code iterator} for server streams; {@code client-stream} or {@code bidi-stream}
	 * for methods with a stream parameter
	 * @param nonBlocking whether the method runs on the I/O thread
	 */
	public record MethodDescriptor(String key, String name, List<ParameterDescriptor> parameters, String returnType,
			String callStyle, boolean nonBlocking) {
	}

	/**
	 * Description of a parameter.
	 *
	 * @param name the parameter name
	 * @param type the declared type
	 */
	public record ParameterDescriptor(String name, String type) {
	}

}
