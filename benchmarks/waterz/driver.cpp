// waterz's side of benchmarks/agglomerate-vs-waterz.sh: builds waterz's region graph and mean-affinity statistics
// from given fragments exactly as waterz's initialize() does with fragments passed (get_region_graph), then times
// only IterativeRegionMerging::mergeUntil (initial scoring + the priority-queue merging) with waterz's default
// scoring function OneMinus<MeanAffinity<RegionGraphType, ScoreValue>> and discretize_queue=0 (PriorityQueue).
// Our own code; it only includes waterz's backend headers (compile with -I$WATERZ_SRC/waterz/backend).
// Usage: driver aff.f32 frag.u64 Z Y X threshold runs
//   aff.f32: float32 3 x Z x Y x X little-endian, channel d joins voxel p and p - e_d (z, y, x): waterz's aff[d][z][y][x]
//   frag.u64: uint64 Z x Y x X; ids 1..max (0 = background, whose edges waterz drops)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <algorithm>
#include <vector>
#include <queue> // before waterz's PriorityQueue.hpp, which uses std::priority_queue without including it
#include "types.hpp"
#include "RegionGraph.hpp"
#include "PriorityQueue.hpp"
#include "IterativeRegionMerging.hpp"
#include "MergeFunctions.hpp"
#include "Operators.hpp"
#include "region_graph.hpp"

typedef uint64_t SegID;
typedef float AffValue;
typedef float ScoreValue;
typedef RegionGraph<SegID> RegionGraphType;
typedef OneMinus<MeanAffinity<RegionGraphType, ScoreValue>> ScoringFunctionType;
typedef typename ScoringFunctionType::StatisticsProviderType StatisticsProviderType;
template<typename T, typename S> using QueueType = PriorityQueue<T, S>;
typedef IterativeRegionMerging<SegID, ScoreValue, QueueType> RegionMergingType;

struct CountingVisitor {
	std::size_t merges = 0;
	void onPop(RegionGraphType::EdgeIdType, ScoreValue) {}
	void onDeletedEdgeFound(RegionGraphType::EdgeIdType) {}
	void onStaleEdgeFound(RegionGraphType::EdgeIdType, ScoreValue, ScoreValue) {}
	void onMerge(SegID, SegID, SegID, ScoreValue) { merges++; }
};

template <typename T>
static std::vector<T> readRaw(const char* path, std::size_t n) {
	std::vector<T> v(n);
	std::ifstream in(path, std::ios::binary);
	in.read(reinterpret_cast<char*>(v.data()), n * sizeof(T));
	if (!in || in.gcount() != (std::streamsize)(n * sizeof(T))) { std::cerr << "short read: " << path << std::endl; std::exit(1); }
	return v;
}

static double now() {
	return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int main(int argc, char** argv) {
	if (argc != 8) { std::cerr << "usage: driver aff.f32 frag.u64 Z Y X threshold runs" << std::endl; return 2; }
	std::size_t Z = std::atol(argv[3]), Y = std::atol(argv[4]), X = std::atol(argv[5]);
	float threshold = std::atof(argv[6]);
	int runs = std::atoi(argv[7]);
	std::size_t n = Z * Y * X;
	std::vector<AffValue> aff = readRaw<AffValue>(argv[1], 3 * n);
	std::vector<SegID> frag = readRaw<SegID>(argv[2], n);
	affinity_graph_ref<AffValue> affinities(aff.data(), boost::extents[3][Z][Y][X]);
	volume_ref<SegID> segmentation(frag.data(), boost::extents[Z][Y][X]);
	std::streambuf* keep = std::cout.rdbuf(); // waterz's headers print progress to std::cout; silence them
	std::ostringstream sink;
	for (int r = 0; r < runs; r++) {
		std::cout.rdbuf(sink.rdbuf());
		double t0 = now();
		// as waterz's initialize() with findFragments = false
		std::size_t maxId = *std::max_element(frag.begin(), frag.end());
		std::vector<std::size_t> sizes(maxId + 1);
		for (std::size_t i = 0; i < n; i++) sizes[frag[i]]++;
		std::size_t numNodes = sizes.size();
		RegionGraphType regionGraph(numNodes);
		StatisticsProviderType statisticsProvider(regionGraph);
		get_region_graph(affinities, segmentation, numNodes - 1, statisticsProvider, regionGraph);
		ScoringFunctionType scoringFunction(regionGraph, statisticsProvider);
		RegionMergingType regionMerging(regionGraph);
		std::size_t edges = regionGraph.edges().size(); // the region graph's edges before any merge
		double t1 = now();
		CountingVisitor visitor;
		std::size_t merged = regionMerging.mergeUntil(scoringFunction, statisticsProvider, threshold, visitor);
		double t2 = now();
		std::cout.rdbuf(keep);
		std::size_t nonEmpty = 0;
		for (std::size_t i = 1; i < sizes.size(); i++) nonEmpty += sizes[i] > 0;
		std::printf("waterz nodes %zu (non-empty ids in 1..%zu) edges %zu merges %zu build_s %.4f agglomerate_s %.4f edges_per_s %.0f merges_per_s %.0f\n",
				nonEmpty, maxId, edges, merged, t1 - t0, t2 - t1, edges / (t2 - t1), merged / (t2 - t1));
	}
	return 0;
}
