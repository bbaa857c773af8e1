# DxMI services image: one image, every role chosen by the command (see docker-compose.yml).
#
#   CPU (default):  docker build -t dxmi:cpu .
#   GPU (CUDA):     docker build --build-arg MAVEN_PROFILES=-Pgpu -t dxmi:gpu .
#
# The `gpu` Maven profile (root pom.xml) leaves the CPU natives (pytorch-native-cpu) out of the image:
# PyTorch 2.7.1's CUDA builds (11.8, 12.6, 12.8) are not on Maven Central, so a GPU container either
# lets DJL fetch the cu128 libtorch once into its cache volume (DXMI_DJL_OFFLINE=false,
# PYTORCH_FLAVOR=cu128, as docker-compose.yml's gpu services set) or is given an installed libtorch
# 2.7.1+cu128 with PYTORCH_LIBRARY_PATH. The JNI for cu128 is in pytorch-jni. Untested here (no GPU):
# see infra/README.md.

# ---- build stage ---------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
ARG MAVEN_PROFILES=""
WORKDIR /src
# The whole tree (filtered by .dockerignore): modules are added over time, so no per-pom copy.
COPY . .
RUN mvn -B -q -ntp -DskipTests install $MAVEN_PROFILES \
 && mkdir -p /out \
 && cp services/cli/target/dxmi-cli-0.1.0-SNAPSHOT.jar /out/dxmi-cli.jar \
 && cp -r services/cli/target/lib /out/lib

# ---- runtime stage -------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
ARG MAVEN_PROFILES=""
LABEL org.opencontainers.image.title="dxmi" \
      org.opencontainers.image.description="DxMI event-driven training services (Vert.x, Kafka, Avro, DJL/PyTorch)" \
      io.dxmi.maven-profiles="${MAVEN_PROFILES}"

# Non-root user; the directories that compose mounts as named volumes are created and owned
# here so that a fresh volume inherits the ownership.
RUN groupadd --system --gid 10001 dxmi \
 && useradd --system --uid 10001 --gid dxmi --home-dir /app --shell /usr/sbin/nologin dxmi \
 && mkdir -p /app /var/cache/djl /checkpoints /data /output \
 && chown -R dxmi:dxmi /var/cache/djl /checkpoints /output

# The jar's manifest Class-Path points at lib/ beside it.
COPY --from=build --chown=root:root /out/dxmi-cli.jar /app/dxmi-cli.jar
COPY --from=build --chown=root:root /out/lib /app/lib

ENV OMP_NUM_THREADS=1 \
    DXMI_THREADS=1 \
    DXMI_DJL_OFFLINE=true \
    DXMI_HEAP=1g \
    DJL_CACHE_DIR=/var/cache/djl \
    TORCH_CPP_LOG_LEVEL=ERROR \
    MALLOC_ARENA_MAX=1 \
    MALLOC_MMAP_THRESHOLD_=33554432 \
    MALLOC_TRIM_THRESHOLD_=1073741824
# glibc keeps freed tensors for reuse instead of returning them to the kernel (why: scripts/glibc-allocator.sh).
# DJL unpacks the PyTorch natives (about 430 MB) here once; compose mounts a volume.
VOLUME ["/var/cache/djl"]

USER dxmi
WORKDIR /app
EXPOSE 9400

# java -Xmx1g -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Dai.djl.offline=true -jar /app/dxmi-cli.jar <args>
# (heap, PyTorch thread count and DJL's offline mode overridable with DXMI_HEAP / DXMI_THREADS /
# DXMI_DJL_OFFLINE).
ENTRYPOINT ["/bin/sh", "-c", "exec java -Xmx\"${DXMI_HEAP:-1g}\" -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Dai.djl.offline=\"${DXMI_DJL_OFFLINE:-true}\" -Dai.djl.pytorch.num_threads=\"${DXMI_THREADS:-1}\" -Dai.djl.pytorch.num_interop_threads=1 -jar /app/dxmi-cli.jar \"$@\"", "dxmi"]
CMD ["--help"]
