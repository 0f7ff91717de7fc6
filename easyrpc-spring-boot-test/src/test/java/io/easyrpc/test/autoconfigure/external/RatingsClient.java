package io.easyrpc.test.autoconfigure.external;

import io.easyrpc.annotation.RpcClient;

/**
 * A client outside the application's packages.
 */
@RpcClient(target = "ratings", group = "reviews")
public interface RatingsClient {

	double rating(String isbn);

}
