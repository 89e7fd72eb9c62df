"""A stand-in for a Qdrant server: Qdrant's gRPC protocol over qdrant-client's local mode.

Not Qdrant. Where no Qdrant server can be installed (none is packaged on the registries this
project's machines reach), this runs `src/vectors/qdrant.rs`'s tests over the real wire
protocol (the proto messages of qdrant-client, the Python package) against Qdrant's own
Python implementation of its semantics (`QdrantClient(":memory:")`: filters, cosine search,
scroll, count, deletes by filter, `update_filter`). It serves only the RPCs Orchard's adapter
uses, converting with qdrant-client's GrpcToRest/RestToGrpc. Payload indexes are recorded
(local mode has none) and reported back in the collection info; HNSW, segments and
persistence are not exercised. A real server remains the reference.

    python3 -m venv /var/tmp/qdrant-shim
    /var/tmp/qdrant-shim/bin/pip install -r tests/qdrant_shim/requirements.txt
    /var/tmp/qdrant-shim/bin/python tests/qdrant_shim/shim.py 16334 &
    ORCHARD_TEST_QDRANT_URL=http://127.0.0.1:16334 cargo test --lib vectors::qdrant
"""

import sys
import threading
from concurrent import futures

import grpc as grpcio
from qdrant_client import QdrantClient
from qdrant_client import grpc as pb
from qdrant_client.conversions.conversion import GrpcToRest, RestToGrpc
from qdrant_client.grpc import collections_service_pb2_grpc as cs
from qdrant_client.grpc import points_service_pb2_grpc as ps
from qdrant_client.grpc import qdrant_pb2_grpc as qs

client = QdrantClient(":memory:")
lock = threading.Lock()
indexes = {}  # collection -> {field: PayloadSchemaInfo}


def done():
    return pb.PointsOperationResponse(
        result=pb.UpdateResult(operation_id=0, status=pb.UpdateStatus.Completed)
    )


def opt_filter(request, field="filter"):
    return GrpcToRest.convert_filter(getattr(request, field)) if request.HasField(field) else None


class Health(qs.QdrantServicer):
    def HealthCheck(self, request, context):
        return pb.HealthCheckReply(title="qdrant-local-shim", version="1.20.0")


class Collections(cs.CollectionsServicer):
    def CollectionExists(self, request, context):
        with lock:
            exists = client.collection_exists(request.collection_name)
        return pb.CollectionExistsResponse(result=pb.CollectionExists(exists=exists))

    def Create(self, request, context):
        vc = request.vectors_config
        if vc.HasField("params"):
            vectors = GrpcToRest.convert_vector_params(vc.params)
        else:
            vectors = {k: GrpcToRest.convert_vector_params(v) for k, v in vc.params_map.map.items()}
        with lock:
            if client.collection_exists(request.collection_name):
                context.abort(grpcio.StatusCode.ALREADY_EXISTS, "collection exists")
            client.create_collection(request.collection_name, vectors_config=vectors)
            indexes[request.collection_name] = {}
        return pb.CollectionOperationResponse(result=True)

    def Get(self, request, context):
        with lock:
            if not client.collection_exists(request.collection_name):
                context.abort(grpcio.StatusCode.NOT_FOUND, "no such collection")
            info = RestToGrpc.convert_collection_info(client.get_collection(request.collection_name))
            for field, schema in indexes.get(request.collection_name, {}).items():
                info.payload_schema[field].CopyFrom(schema)
        return pb.GetCollectionInfoResponse(result=info)

    def Delete(self, request, context):
        with lock:
            result = client.delete_collection(request.collection_name)
            indexes.pop(request.collection_name, None)
        return pb.CollectionOperationResponse(result=result)


class Points(ps.PointsServicer):
    def CreateFieldIndex(self, request, context):
        # FieldType counts from Keyword = 0, PayloadSchemaType from Unknown = 0, Keyword = 1.
        schema = pb.PayloadSchemaInfo(data_type=request.field_type + 1, params=request.field_index_params)
        with lock:
            indexes.setdefault(request.collection_name, {})[request.field_name] = schema
        return done()

    def Upsert(self, request, context):
        points = [GrpcToRest.convert_point_struct(p) for p in request.points]
        with lock:
            client.upsert(
                request.collection_name, points, update_filter=opt_filter(request, "update_filter")
            )
        return done()

    def Delete(self, request, context):
        selector = GrpcToRest.convert_points_selector(request.points)
        with lock:
            client.delete(request.collection_name, selector)
        return done()

    def Count(self, request, context):
        with lock:
            result = client.count(request.collection_name, count_filter=opt_filter(request), exact=True)
        return pb.CountResponse(result=pb.CountResult(count=result.count))

    def Query(self, request, context):
        rest = GrpcToRest.convert_query_points(request)
        with lock:
            response = client.query_points(
                request.collection_name,
                query=rest.query,
                query_filter=rest.filter,
                limit=rest.limit or 10,
                with_payload=rest.with_payload if rest.with_payload is not None else False,
            )
        return pb.QueryResponse(result=[RestToGrpc.convert_scored_point(p) for p in response.points])

    def Scroll(self, request, context):
        offset = GrpcToRest.convert_point_id(request.offset) if request.HasField("offset") else None
        with_payload = (
            GrpcToRest.convert_with_payload_selector(request.with_payload)
            if request.HasField("with_payload")
            else False
        )
        with lock:
            records, next_offset = client.scroll(
                request.collection_name,
                scroll_filter=opt_filter(request),
                limit=request.limit if request.HasField("limit") else 10,
                offset=offset,
                with_payload=with_payload,
            )
        response = pb.ScrollResponse(result=[RestToGrpc.convert_record(r) for r in records])
        if next_offset is not None:
            response.next_page_offset.CopyFrom(RestToGrpc.convert_extended_point_id(next_offset))
        return response


def main():
    port = int(sys.argv[1])
    server = grpcio.server(futures.ThreadPoolExecutor(max_workers=4))
    qs.add_QdrantServicer_to_server(Health(), server)
    cs.add_CollectionsServicer_to_server(Collections(), server)
    ps.add_PointsServicer_to_server(Points(), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    print(f"qdrant local shim on 127.0.0.1:{port}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
