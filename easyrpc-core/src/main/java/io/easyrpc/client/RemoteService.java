package io.easyrpc.client;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A service as a server's reflection method describes it to clients: the shape of
 * {@code io.easyrpc.server.ServiceDescriptor} on the wire, read without the server's
 * classes. Fields a newer server adds are ignored.
 *
 * @param name the service name, with its group prefix if it has one
 * @param methods the methods
 * @see GenericRpcClient#describe()
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RemoteService(String name, List<Method> methods) {

	/**
	 * A method of a remote service.
	 *
	 * @param key the method key, such as {@code Inventory.find}
	 * @param name the Java method name
	 * @param parameters the parameters
	 * @param returnType the declared return type
	 * @param callStyle {@code blocking}, {@code future}, {@code mono} or {@code one-way}
	 * for unary calls; stream styles otherwise
	 * @param nonBlocking whether the method runs on the server's I/O thread
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Method(String key, String name, List<Parameter> parameters, String returnType, String callStyle,
			boolean nonBlocking) {

		/**
		 * Return the method's signature as Java declares it, such as
		 * {@code java.lang.String find(java.lang.String sku)}.
		 * @return the signature
		 */
		public String signature() {
			StringBuilder text = new StringBuilder(this.returnType).append(' ').append(this.name).append('(');
			for (int i = 0; i < this.parameters.size(); i++) {
				if (i > 0) {
					text.append(", ");
				}
				text.append(this.parameters.get(i).type()).append(' ').append(this.parameters.get(i).name());
			}
			return text.append(')').toString();
		}

	}

	/**
	 * A parameter of a remote method.
	 *
	 * @param name the parameter name
	 * @param type the declared type, as {@link java.lang.reflect.Type#getTypeName()}
	 * writes it
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Parameter(String name, String type) {
	}

}
