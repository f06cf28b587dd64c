package org.userspacecni.agent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * A set of CPU or NUMA node numbers in the kernel's list format, as {@code cpuset.cpus}, {@code cpuset.mems} and
 * {@code Cpus_allowed_list} show them and DPDK's {@code -l} takes them: numbers and ranges, comma-separated
 * ({@code 0-3,8,10-11}); empty for none. The numbers are kept sorted, each once.
 */
record KernelList(List<Integer> numbers) {

    KernelList {
        numbers = List.copyOf(new TreeSet<>(numbers));
        if (!numbers.isEmpty() && numbers.get(0) < 0) {
            throw new IllegalArgumentException("a CPU or node number is 0 or more, not " + numbers.get(0));
        }
    }

    static KernelList of(Collection<Integer> numbers) {
        return new KernelList(List.copyOf(numbers));
    }

    /** Reads {@code 0-3,8,10-11}; blank is the empty list, anything else not in the format is refused. */
    static KernelList parse(String text) {
        List<Integer> numbers = new ArrayList<>();
        String list = text.strip();
        if (list.isEmpty()) {
            return new KernelList(numbers);
        }
        for (String item : list.split(",", -1)) {
            if (!item.matches("\\d+(-\\d+)?")) {
                throw new IllegalArgumentException("'" + list + "' is not a list such as 0-3,8,10-11");
            }
            String[] range = item.split("-");
            int first = Integer.parseInt(range[0]);
            int last = Integer.parseInt(range[range.length - 1]);
            if (last < first) {
                throw new IllegalArgumentException("'" + item + "' in '" + list + "' is a range that ends before it"
                        + " starts");
            }
            for (int number = first; number <= last; number++) {
                numbers.add(number);
            }
        }
        return new KernelList(numbers);
    }

    int size() {
        return numbers.size();
    }

    boolean isEmpty() {
        return numbers.isEmpty();
    }

    boolean contains(int number) {
        return numbers.contains(number);
    }

    /** The lowest {@code count} numbers (all of them when there are fewer). */
    KernelList first(int count) {
        return new KernelList(numbers.subList(0, Math.min(count, numbers.size())));
    }

    /** The numbers of this list that {@code other} lacks. */
    KernelList without(KernelList other) {
        return new KernelList(numbers.stream().filter(number -> !other.contains(number)).toList());
    }

    /** The kernel's format: runs of consecutive numbers as ranges ({@code 0-3,8,10-11}). */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < numbers.size(); i++) {
            int first = numbers.get(i);
            while (i + 1 < numbers.size() && numbers.get(i + 1) == numbers.get(i) + 1) {
                i++;
            }
            text.append(text.length() == 0 ? "" : ",").append(first)
                    .append(numbers.get(i) == first ? "" : "-" + numbers.get(i));
        }
        return text.toString();
    }
}
