package io.easyrpc.sample.cluster.serverapp;

import io.easyrpc.annotation.RpcService;
import io.easyrpc.sample.cluster.api.Greeter;
import io.easyrpc.sample.cluster.api.Greeting;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * One instance of the greeter service. It serves RPC on a free port and registers in
 * ZooKeeper as {@code greeter}, with that port in its metadata.
 */
@SpringBootApplication
public class ClusterServerApplication {

	/**
	 * The greeter of this instance.
	 */
	@RpcService
	public static class GreeterService implements Greeter {

		private final String instance;

		/**
		 * Create the service.
		 * @param instance the name of this instance
		 */
		public GreeterService(@Value("${cluster.instance}") String instance) {
			this.instance = instance;
		}

		@Override
		public Greeting hello(String name) {
			return new Greeting("Hello, " + name, this.instance);
		}

	}

}
