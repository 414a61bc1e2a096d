package app

// EstimateArrivalForTest exposes the arrival estimate to the portal tests.
var EstimateArrivalForTest = estimateArrival
