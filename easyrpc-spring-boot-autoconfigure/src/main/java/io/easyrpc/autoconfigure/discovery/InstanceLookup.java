package io.easyrpc.autoconfigure.discovery;

import java.util.List;

import org.springframework.cloud.client.ServiceInstance;

/**
 * One way of looking up the instances of a service: a discovery client asked once, or a
 * source that may report several lists before it completes.
 */
interface InstanceLookup {

	/**
	 * Start a look-up.
	 * @param serviceId the service id
	 * @param sink told of each list, of a failure, and of the end of the look-up
	 * @return cancels the look-up
	 */
	Runnable lookUp(String serviceId, Sink sink);

	/**
	 * Told of what a look-up finds.
	 */
	interface Sink {

		void instances(List<ServiceInstance> instances);

		void failed(Throwable error);

		void done();

	}

}
