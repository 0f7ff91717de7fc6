package io.easyrpc.autoconfigure.discovery;

/**
 * The service that the discovery tests serve from several instances.
 */
public interface Inventory {

	/**
	 * Return the name of the instance that answers.
	 * @return the instance name
	 */
	String instance();

}
